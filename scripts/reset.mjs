// npm run reset: forgets this copy's local state (D1, Durable Objects, queues); the next
// `npm start` migrates an empty database and loads the demo data again.
import { portInUse } from "./lib/port.mjs";
import { resetState, stateDir } from "./lib/runtime.mjs";

const port = Number(process.env.PORT ?? 8787);
if (await portInUse(port)) {
  console.error(`Something listens on port ${port}: stop \`npm start\` (Ctrl+C) first.`);
  process.exit(1);
}
resetState();
console.log(
  `Removed ${stateDir()}. \`npm start\` begins with an empty database and the demo data.`,
);
