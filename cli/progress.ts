/** A progress bar for long CLI work (importing a large audience), drawn at most ten times a second. */
import { createReadStream, statSync } from 'node:fs';

export const progressBar = (fraction: number, label: string, width = 24): string => {
  const f = Math.max(0, Math.min(1, fraction));
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(f * 100)).padStart(3)}% ${label}`;
};

/**
 * Reads a file as a stream and reports how far through it the reader is. The audience is read twice
 * (validate, then write), so each pass gets its own label.
 */
export const trackedFile = (file: string, report: ((line: string) => void) | undefined) => {
  const size = Math.max(1, statSync(file).size);
  return (phase: string, rows: () => number) => {
    const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
    if (!report) return stream;
    let bytes = 0;
    let last = 0;
    const draw = () =>
      report(progressBar(bytes / size, `${phase} ${file}: ${rows().toLocaleString('en')} rows`));
    stream.on('data', (chunk) => {
      bytes += chunk.length;
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        draw();
      }
    });
    stream.on('end', draw);
    return stream;
  };
};
