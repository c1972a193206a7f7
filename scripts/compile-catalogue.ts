// Part of `npm run build`: what kstory would otherwise compute at every start, computed once beside
// the built modules that read it (dist/src/): the built-in pattern catalogue and the columns of
// the views, each read while what it came from is unchanged.

// The built code compiles them, so that they are what that code computes.
const built = (path: string) => new URL(`../dist/src/${path}`, import.meta.url).href;
const { compileViewColumns } = (await import(
  built('views/catalogue.js')
)) as typeof import('../src/views/catalogue.ts');
const { compileCatalogue } = (await import(
  built('patterns/load.js')
)) as typeof import('../src/patterns/load.ts');
await compileViewColumns();
compileCatalogue();
