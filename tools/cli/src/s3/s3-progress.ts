/**
 * The transfer progress line `aws s3` shows on a terminal, redrawn in place with `\r`:
 *
 *     Completed 5.0 MiB/20.0 MiB (12.3 MiB/s) with 1 file(s) remaining
 *
 * Result lines (`upload: a.txt to s3://b/a.txt`) are printed over it and it is redrawn below.
 * Only on a TTY and without --quiet; never when stdout carries object bytes.
 */
import { humanReadableSize } from './s3-size.js';

/** The progress text (pure): `totalBytes` undefined while a stream of unknown length is read. */
export function formatProgress(doneBytes: number, totalBytes: number | undefined, bytesPerSecond: number, filesRemaining: number): string {
  const total = totalBytes === undefined ? '' : `/${humanReadableSize(totalBytes)}`;
  return `Completed ${humanReadableSize(doneBytes)}${total} (${humanReadableSize(Math.floor(bytesPerSecond))}/s) with ${filesRemaining} file(s) remaining`;
}

export interface ProgressOptions {
  /** Draw the progress line (a TTY, not --quiet, stdout not carrying data). */
  readonly live: boolean;
  /** Print result lines (not --quiet). */
  readonly results: boolean;
  readonly write: (text: string) => void;
  readonly now?: () => number;
}

/** Counts bytes and files and keeps the progress line on screen (see {@link formatProgress}). */
export class Progress {
  private done = 0;
  private total = 0;
  private totalKnown = true;
  private filesRemaining = 0;
  private drawnWidth = 0;
  private lastDraw = 0;
  private readonly started: number;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  /** A file is queued: `size` undefined when unknown (stdin). */
  addFile(size: number | undefined): void {
    this.filesRemaining++;
    if (size === undefined) this.totalKnown = false;
    else this.total += size;
  }

  addBytes(count: number): void {
    this.done += count;
    if (this.options.live && this.now() - this.lastDraw >= 100) this.draw();
  }

  /** A file is finished (or failed): `line` is its result line, printed unless quiet. */
  fileDone(line: string | undefined): void {
    this.filesRemaining = Math.max(0, this.filesRemaining - 1);
    if (line !== undefined && this.options.results) this.print(line);
    else if (this.options.live) this.draw();
  }

  /** Prints a line above the progress line. */
  print(line: string): void {
    if (this.options.live) this.options.write(`\r${line.padEnd(this.drawnWidth)}\n`);
    else this.options.write(`${line}\n`);
    this.drawnWidth = 0;
    if (this.options.live && this.filesRemaining > 0) this.draw();
  }

  /** Removes the progress line. */
  finish(): void {
    if (this.options.live && this.drawnWidth > 0) this.options.write(`\r${' '.repeat(this.drawnWidth)}\r`);
    this.drawnWidth = 0;
  }

  private draw(): void {
    this.lastDraw = this.now();
    const seconds = Math.max((this.lastDraw - this.started) / 1000, 0.001);
    const line = formatProgress(this.done, this.totalKnown ? this.total : undefined, this.done / seconds, this.filesRemaining);
    this.options.write(`\r${line.padEnd(this.drawnWidth)}`);
    this.drawnWidth = line.length;
  }
}
