import { idParams } from "../../lib/ids";
import { clearDebtJob } from "../../modules/network";
import { archiveJob, rebucketJob, reopenJob } from "../../modules/sales";
import { guards } from "../../platform/http/guards";
import { getJob } from "../../platform/jobs/routes";
import { Layout, when } from "../layout";
import { page, pageContext } from "../page";

const PROGRESS = { queued: 10, running: 50, succeeded: 100, failed: 100 } as const;
// The jobs the admin starts: what their result says in words, and the way back.
const KINDS: Record<
  string,
  { describe: (result: unknown) => string; href: string; label: string }
> = {
  [rebucketJob.name]: {
    describe: rebucketJob.describe,
    href: "/admin/catalog/shops",
    label: "Back to the shops",
  },
  [archiveJob.name]: {
    describe: archiveJob.describe,
    href: "/admin/archive",
    label: "Back to the archive",
  },
  [reopenJob.name]: {
    describe: reopenJob.describe,
    href: "/admin/archive",
    label: "Back to the archive",
  },
  [clearDebtJob.name]: {
    describe: clearDebtJob.describe,
    href: "/admin/companies",
    label: "Back to the companies",
  },
};
const STATES = {
  queued: "waiting to start",
  running: "running",
  succeeded: "done",
  failed: "failed",
} as const;

/** A bulk job's progress: the page reloads itself each second until the job is done. */
export const jobPages = [
  page(
    {
      method: "get",
      path: "/admin/jobs/{id}",
      name: "job",
      guard: guards.admin,
      request: { params: idParams },
    },
    async (c) => {
      const job = await getJob(c.var.ctx.db, c.req.valid("param").id);
      const done = job.status === "succeeded" || job.status === "failed";
      const kind = KINDS[job.name];
      const origin = kind ?? { href: "/admin", label: "Back to the admin" };
      if (!done) c.header("refresh", "1");
      return c.html(
        <Layout title={`Job ${job.id}: ${job.name}`} page={pageContext(c)} current={origin.href}>
          <p>
            State: <strong data-job-status={job.status}>{STATES[job.status]}</strong> · attempts{" "}
            {job.attempts} · updated {when(job.updatedAt)}
          </p>
          <label>
            Progress
            <progress max={100} value={PROGRESS[job.status]}>
              {PROGRESS[job.status]}%
            </progress>
          </label>
          {job.status === "succeeded" && (
            <p class="notice" role="status" data-job-result>
              {kind ? kind.describe(job.result) : "Done."}
            </p>
          )}
          {job.error && <p class="error">Last error: {job.error}</p>}
          {!done && <p class="muted">This page refreshes itself every second.</p>}
          <p>
            <a href={origin.href}>{origin.label}</a>
          </p>
        </Layout>,
      );
    },
  ),
];
