import 'reflect-metadata';
import { CommanderError } from 'commander';
import { buildCli } from './cli.js';

/**
 * Entry point of `objectbox`. Commander prints usage errors (unknown flags, missing arguments)
 * itself; they exit with status 1 without a stack trace. Configuration errors exit 2.
 */
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
