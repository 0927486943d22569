// The black-box tests' checks: one line each, and the "N passed, M failed" line npm test reads.

/** A named suite of checks; `done()` prints the summary and sets the exit code. */
export function checks(suite) {
  let passed = 0;
  let failed = 0;
  return {
    check(name, ok, detail = "") {
      if (ok) passed++;
      else failed++;
      console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok ? "" : ` ${detail}`}`);
    },
    done() {
      console.log(`${suite}: ${passed} passed, ${failed} failed`);
      process.exit(failed === 0 ? 0 : 1);
    },
  };
}
