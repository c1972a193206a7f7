// `kstory patterns`: list the failure-pattern catalogue (built-in and the user's own), check
// pattern files, and run their fixture tests. Wiring only; patterns live in src/patterns/.

import { type Command, Option } from 'commander';
import { helpText } from '../help.ts';

interface PatternsFlags {
  patterns?: string[];
  json?: boolean;
}

const repeatable = (v: string, p: string[] = []) => [...p, v];

export function definePatternsCommand(program: Command): void {
  const patterns = program
    .command('patterns')
    .description('list, check and test failure patterns (the built-in catalogue and your own)');

  patterns
    .command('list')
    .description('list the patterns analyze runs: id, severity and title')
    .option('--patterns <dir>', 'add your own patterns from this directory (repeatable)', repeatable)
    .option('--json', 'print the list as JSON')
    .action(async (flags: PatternsFlags) => {
      const { loadPatterns } = await import('../../patterns/load.ts');
      const loaded = loadPatterns({ userDirs: flags.patterns });
      const { patternListJson, renderPatternList } = await import('../../report/patterns-text.ts');
      const { printJson, writeListing } = await import('../output.ts');
      if (flags.json) printJson(patternListJson(loaded));
      else writeListing(process.stdout, (width) => renderPatternList(loaded, width));
    });

  patterns
    .command('new')
    .description('write a new pattern file to fill in, with tests that fail until it finds what it is for')
    .argument('<id>', 'the pattern id and file name: lower-case words joined by dashes')
    .option('-d, --dir <dir>', 'the directory of patterns to write it to', 'patterns')
    .addOption(
      new Option('--subject <level>', 'what a finding is about')
        .choices(['container', 'object'])
        .default('object'),
    )
    .option('--force', 'replace the file if it exists')
    .addHelpText(
      'after',
      helpText(`
The file has every section a pattern holds, each saying what goes there (FILL-IN), and two tests:
a bundle where the pattern must find something and one where it must find nothing. Neither bundle
exists yet, so kstory patterns test fails until you make them (kstory simulate, record or import)
and the pattern finds what it is for. How to write a pattern: patterns/README.md.

Examples:
  kstory patterns new volume-mount-denied --dir ./my-patterns
  kstory patterns new sidecar-oom --subject container --dir ./my-patterns
  kstory patterns test volume-mount-denied --patterns ./my-patterns`),
    )
    .action(async (id: string, flags: { dir: string; subject: 'container' | 'object'; force?: boolean }) => {
      const { patternIdProblem, scaffoldPattern, writeScaffold } = await import('../../patterns/scaffold.ts');
      const { KstoryError } = await import('../../errors.ts');
      const problem = patternIdProblem(id);
      if (problem !== null)
        throw new KstoryError(`"${id}" is not a pattern id: ${problem}`, {
          hint: 'For example: volume-mount-denied',
        });
      const scaffold = scaffoldPattern(id, flags.dir, flags.subject);
      writeScaffold(scaffold, { force: flags.force === true });
      const { renderScaffold } = await import('../../report/scaffold-text.ts');
      process.stdout.write(renderScaffold(scaffold, id, flags.dir));
    });

  patterns
    .command('test')
    .description('run the fixture tests the patterns declare (tests: in each pattern file)')
    .argument('[ids...]', 'only these pattern ids')
    .option('--patterns <dir>', 'add your own patterns from this directory (repeatable)', repeatable)
    .option('--require', 'fail for a pattern without both a positive and a negative test')
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      helpText(`
A test names a bundle (relative to the pattern file; made with kstory simulate, record or import)
and whether the pattern must find something in it:

  tests:
    - bundle: fixtures/crash.parquet
      expect: { match: true, variant: oom-killed,
                subject: shop/Deployment/checkout }
    - bundle: fixtures/healthy.parquet
      expect: { match: false }

Examples:
  kstory patterns test --patterns ./my-patterns
  kstory patterns test crash-loop-backoff`),
    )
    .action(async (ids: string[], flags: PatternsFlags & { require?: boolean }) => {
      const { loadPatterns, loadPatternDir, BUILTIN_PATTERNS_DIR } = await import('../../patterns/load.ts');
      const { runPatternTests } = await import('../../analyze/pattern-tests.ts');
      const { KstoryError } = await import('../../errors.ts');
      const { TerminalLine } = await import('../../report/terminal-line.ts');
      const { chalkFor } = await import('../../report/style.ts');
      if (flags.require) {
        // Loading with requireTests names the first pattern that lacks a positive or a negative test.
        for (const dir of [BUILTIN_PATTERNS_DIR, ...(flags.patterns ?? [])])
          loadPatternDir(dir, { requireTests: true });
      }
      const loaded = loadPatterns({ userDirs: flags.patterns });
      for (const id of ids) {
        if (!loaded.some((p) => p.id === id))
          throw new KstoryError(`unknown pattern id "${id}"`, {
            hint: 'List the catalogue with: kstory patterns list',
          });
      }
      const selected = loaded.filter((p) => ids.length === 0 || ids.includes(p.id));
      const progress = new TerminalLine(true);
      const results = await runPatternTests(selected, {
        patternDirs: flags.patterns,
        onBundle: (bundle) => progress.draw(`analysing ${bundle}`),
      });
      progress.clear();
      const { printJson, writeListing } = await import('../output.ts');
      if (flags.json) printJson(results);
      else {
        const { renderPatternTests } = await import('../../report/patterns-text.ts');
        writeListing(process.stdout, (width) =>
          renderPatternTests(results, selected, chalkFor(process.stdout), width),
        );
      }
      if (results.some((r) => !r.passed)) process.exitCode = 1;
    });
}
