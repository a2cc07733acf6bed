/** A one-line progress bar on stderr, redrawn at most every 200 ms. */
export function progressBar(label: string, total: number) {
  const width = 30;
  let drawnAt = 0;
  const draw = (done: number) => {
    const filled = Math.round((Math.min(done, total) / total) * width);
    process.stderr.write(
      `\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`,
    );
  };
  return {
    update(done: number) {
      const now = performance.now();
      if (now - drawnAt < 200) return;
      drawnAt = now;
      draw(done);
    },
    done() {
      draw(total);
      process.stderr.write("\n");
    },
  };
}
