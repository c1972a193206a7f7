// The kstory command line: wiring only. Each command declares its flags here (cheap) and loads its
// implementation when it runs, so `kstory --help` starts fast. This is the one error boundary and
// the only place that decides the exit code: 0 ok, 1 findings at or above --fail-on, 2 error.

import { Command, CommanderError } from 'commander';
import { damagedFileError, isKstoryError, type KstoryError, userFacingOsError } from '../errors.ts';
import { escapeControl } from '../report/escape.ts';
import { chalkFor } from '../report/style.ts';
import { displayWidth, terminalWidth } from '../report/width.ts';
import { TOOL_VERSION } from '../version.ts';
import { COMMANDS } from './commands/index.ts';
import { helpText } from './help.ts';
import { type OutputStream, writeText } from './output.ts';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** Where help and commander's messages go: the process's own streams, or a test's. */
export interface Terminal {
  stdout: OutputStream;
  stderr: OutputStream;
}

export function buildProgram(
  terminal: Terminal = { stdout: process.stdout, stderr: process.stderr },
): Command {
  const { stdout, stderr } = terminal;
  const program = new Command('kstory')
    .description(
      'Postmortems of Kubernetes incidents, offline: record or import what happened into one bundle, then explain it.',
    )
    .version(TOOL_VERSION, '-V, --version', 'print the kstory version')
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // Help fits the terminal (80 columns in a pipe): commander lays out its own columns to that
    // width, and the text commands add after them, one line per paragraph, is wrapped on its way
    // out. Set before the commands are defined, which inherit it.
    .configureOutput({
      getOutHelpWidth: () => terminalWidth(stdout),
      getErrHelpWidth: () => terminalWidth(stderr),
      writeOut: (text) => writeText(stdout, text),
      writeErr: (text) => writeText(stderr, text),
      // Errors stay on one line, as kstory's own errors do: scripts and people search them whole.
      outputError: (text) => stderr.write(text),
    })
    .configureHelp({ displayWidth })
    .addHelpText(
      'after',
      helpText(`
Examples:
  kstory analyze incident.parquet           what went wrong, root cause first
  kstory import must-gather.tar.gz -o incident.parquet
  kstory simulate bad-config-rollout -o demo.parquet
  kstory bundle info incident.parquet       what a bundle holds

Exit codes: 0 ok · 1 findings at or above --fail-on · 2 error, or nothing to analyze

Docs: docs/bundle-format.md (the bundle), docs/report-format.md (analyze --json)`),
    );
  for (const define of COMMANDS) define(program);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function run(argv: readonly string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  const program = buildProgram();
  // The command that runs: its flags name the options the core's errors are about.
  let running: Command = program;
  program.hook('preAction', (_program, command) => {
    running = command;
  });
  try {
    await program.parseAsync(helpCommandAsFlag(program, argv));
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    return reportError(error, running);
  }
}

/**
 * `kstory help import` is `kstory import --help`: commander prints a command's help for `help` before
 * the command's hooks run, and some help is completed by them (import's list of formats, read from
 * its registry when the command is chosen). Anything else, an unknown command too, is commander's.
 */
function helpCommandAsFlag(program: Command, argv: readonly string[]): string[] {
  const [node, script, first, ...rest] = argv;
  const known = program.commands.some((c) => c.name() === rest[0]);
  if (first !== 'help' || !known || node === undefined || script === undefined) return [...argv];
  return [node, script, ...rest, '--help'];
}

/** `kstory ... | head` closes stdout early: that is the reader being done, not an error. */
function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_OK);
    throw error;
  });
}

/** `--audit-log` for the option `auditLog` of the command, or the option's name when no flag sets it. */
export function flagOf(command: Command | undefined, option: string): string {
  const flag = command?.options.find((o) => o.attributeName() === option);
  return flag?.long ?? flag?.short ?? option;
}

export function reportError(error: unknown, command?: Command): number {
  const chalk = chalkFor(process.stderr);
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help / version text).
    const benign = [
      'commander.helpDisplayed',
      'commander.version',
      'commander.help',
      'commander.executeSubCommandAsync',
    ];
    return benign.includes(error.code) ? EXIT_OK : EXIT_ERROR;
  }
  // An OS error the code did not put in words is still the user's to act on (a full disk, a
  // permission): said as one line naming the path, never as a stack trace.
  const known: KstoryError | null = isKstoryError(error)
    ? error
    : (userFacingOsError(error) ?? damagedFileError(error));
  if (known) {
    const message = known.option ? `${flagOf(command, known.option)} ${known.message}` : known.message;
    // Messages quote paths and values from the user's files: never let them drive the terminal.
    process.stderr.write(`${chalk.red('kstory: error:')} ${escapeControl(message)}\n`);
    if (known.hint) process.stderr.write(`  ${chalk.dim('hint:')} ${escapeControl(known.hint)}\n`);
    return EXIT_ERROR;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `${chalk.red('kstory: internal error:')} ${stack}\n\n` +
      `This is a bug in kstory ${TOOL_VERSION}. Please report it on the kstory issue tracker with the command you ran,\n` +
      `the output above and \`kstory --version\` (leave out anything confidential from your cluster).\n`,
  );
  return EXIT_ERROR;
}
