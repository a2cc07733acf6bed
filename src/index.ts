/** Worker entry: the router, and the Durable Object classes wrangler binds. */
import { servedWithLog } from "./http/request-log";
import { router } from "./http/router";

export { CatalogObject } from "./objects/catalog-object";
export { QueueObject } from "./objects/queue-object";
export { TopicObject } from "./objects/topic-object";

export default {
  fetch: (request, env, ctx) =>
    env.CMQ_LOG_REQUESTS === "1"
      ? servedWithLog(request, () => router.fetch(request, env, ctx))
      : router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
