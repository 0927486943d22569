import { authModule } from "./modules/auth";
import { catalogModule } from "./modules/catalog";
import { libraryModule } from "./modules/library";
import { networkModule } from "./modules/network";
import { ordersModule } from "./modules/orders";
import { robotsModule } from "./modules/robots";
import { salesModule } from "./modules/sales";
import { healthModule } from "./platform/health";
import { docsModule } from "./platform/http/docs";
import { jobsModule } from "./platform/jobs";
import type { JobRegistry } from "./platform/jobs/job";
import { mailModule } from "./platform/mail";
import type { MailTemplate } from "./platform/mail/template";
import { entityLinks, type ModuleManifest } from "./platform/module";
import { webModule } from "./web";

/** The business modules. To add one: write its manifest (`modules/x/index.ts`), list it here. */
const features: readonly ModuleManifest[] = [
  catalogModule,
  authModule,
  salesModule,
  ordersModule,
  robotsModule,
  networkModule,
  libraryModule,
];

/** Every job of every module: what the cron dispatcher, the jobs queue and the admin API run. */
export const jobRegistry: JobRegistry = {
  scheduled: features.flatMap((m) => m.scheduledJobs ?? []),
  bulk: features.flatMap((m) => m.bulkJobs ?? []),
};

/** Every module the Worker serves: the business modules and the platform's own. */
export const modules: readonly ModuleManifest[] = [
  ...features,
  healthModule,
  docsModule,
  mailModule,
  jobsModule(jobRegistry),
  webModule,
];

/** Every mail template, by the name producers put on the queue. */
export const mailTemplates: ReadonlyMap<string, MailTemplate> = new Map(
  modules.flatMap((m) => m.mailTemplates ?? []).map((t) => [t.name, t]),
);

export const links = entityLinks(modules);
