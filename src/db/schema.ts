// Every module's tables, for drizzle-kit and the drizzle client.
export * from "../modules/auth/schema";
export * from "../modules/library/schema";
export * from "../modules/network/schema";
export * from "../modules/orders/schema";
export * from "../modules/robots/schema";
export * from "../modules/sales/schema";
export * from "../platform/jobs/schema";
export * from "../platform/mail/schema";
