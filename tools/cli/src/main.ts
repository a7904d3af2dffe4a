import 'reflect-metadata';
import { CommanderError } from 'commander';
import { buildCli } from './cli.js';

/**
 * Entry point of `objectbox`. Commander prints usage errors (unknown flags, missing arguments)
 * itself; they exit with status 1 without a stack trace. Configuration errors exit 2.
 */
// `objectbox --help | head`: a reader that went away is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const program = buildCli(
  { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), env: process.env },
  (status) => {
    process.exitCode = status;
  },
);
try {
  if (process.argv.length <= 2) program.help({ error: true });
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode;
}
