// What `npm start` prints: progress of the demo data on a line of its own (a bar on a
// terminal, a plain line per step otherwise), and the Worker's log lines around it.
const WIDTH = 28;

export function createConsole(stream = process.stdout) {
  const tty = Boolean(stream.isTTY);
  let bar = null;
  let lastStep = -1;

  const draw = () => {
    if (!bar) return;
    const filled = Math.round((bar.done / bar.total) * WIDTH);
    stream.write(
      `\r\x1b[K  ${bar.label.padEnd(10)} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${bar.done}/${bar.total}`,
    );
  };

  return {
    /** A step of a long task: the bar moves on a terminal; elsewhere every tenth is a line. */
    progress(label, done, total) {
      if (tty) {
        bar = { label, done, total };
        draw();
        if (done === total) {
          stream.write("\n");
          bar = null;
        }
        return;
      }
      const step = Math.floor((done / total) * 10);
      if (done === total || step !== lastStep || bar?.label !== label) {
        stream.write(`  ${label}: ${done}/${total}\n`);
        lastStep = done === total ? -1 : step;
        bar = done === total ? null : { label, done, total };
      }
    },
    /** A whole line (a message, a log line from the Worker), above the bar if one is drawn. */
    line(text) {
      if (tty && bar) stream.write("\r\x1b[K");
      stream.write(`${text}\n`);
      if (tty) draw();
    },
  };
}
