import { idParams } from "../../lib/ids";
import { guards } from "../../platform/http/guards";
import { getJob } from "../../platform/jobs/routes";
import { Layout, when } from "../layout";
import { page, pageContext } from "../page";

const PROGRESS = { queued: 10, running: 50, succeeded: 100, failed: 100 } as const;
// Where each kind of job was started from, for the way back.
const ORIGIN: Record<string, { href: string; label: string }> = {
  "shop-rebucket": { href: "/admin/catalog", label: "Back to the catalog" },
};
const COMPANIES = { href: "/admin/companies", label: "Back to the companies" };

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
      const origin = ORIGIN[job.name] ?? COMPANIES;
      if (!done) c.header("refresh", "1");
      return c.html(
        <Layout title={`Job ${job.id}: ${job.name}`} page={pageContext(c)} current={origin.href}>
          <p>
            State: <strong data-job-status={job.status}>{job.status}</strong> · attempts{" "}
            {job.attempts} · updated {when(job.updatedAt)}
          </p>
          <label>
            Progress
            <progress max={100} value={PROGRESS[job.status]}>
              {PROGRESS[job.status]}%
            </progress>
          </label>
          {job.status === "succeeded" && <p>Result: {JSON.stringify(job.result)}</p>}
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
