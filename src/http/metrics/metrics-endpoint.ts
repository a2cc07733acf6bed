/**
 * `GET /metrics` in Prometheus' text format. Who may scrape what: the CMQ_METRICS_TOKEN secret as
 * `Authorization: Bearer …` scrapes every tenant of CMQ_CREDENTIALS; a request signed as a CMQ
 * request (SecretId, Timestamp, Nonce, Signature in the query string) scrapes its own tenant.
 * Each tenant's catalog gathers a page of its queues or topics per call (metrics-gathering.ts).
 * Errors are plain text with an HTTP status, which is what a scraper reports.
 * @module
 */
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "../../contract/prometheus-text";
import type { EntryKind } from "../../domain/catalog/catalog-store";
import { CmqError, type CmqErrorData, fail, toWire } from "../../domain/errors";
import { METRICS_LIMITS } from "../../domain/limits";
import type { MetricsPage } from "../../domain/tenant-metrics";
import { clock } from "../../objects/clock";
import { authenticate } from "../auth";
import { bearerTokenMatches } from "../bearer-token";
import { authConfig } from "../credentials";
import { noteRequest } from "../request-log";
import { readCmqRequest } from "../request-reading";
import { catalogObject } from "../tenant";
import { scrapeFamilies, type TenantScrape } from "./metric-families";

/** The tenants this request may scrape. Fails: metricsUnauthorized, or the signature's errors. */
async function scrapedTenants(request: Request, env: Env): Promise<string[]> {
  const config = authConfig(env);
  if (request.headers.has("authorization")) {
    if (!(await bearerTokenMatches(request, env.CMQ_METRICS_TOKEN))) {
      fail({ kind: "metricsUnauthorized" });
    }
    return [...new Set([...config.credentials.values()].map((c) => c.appId))];
  }
  const principal = await authenticate(await readCmqRequest(request), config, clock.now());
  return [principal.credential.appId];
}

/** Every page of one kind, a catalog call each. */
async function allPages(env: Env, appId: string, kind: EntryKind): Promise<MetricsPage[]> {
  const catalog = catalogObject({ env, appId });
  const pages: MetricsPage[] = [];
  for (let offset = 0; ; offset += METRICS_LIMITS.namesPerCall) {
    const page = await catalog.metricsPage(appId, kind, offset, METRICS_LIMITS.namesPerCall);
    pages.push(page);
    if (offset + METRICS_LIMITS.namesPerCall >= page.total) return pages;
  }
}

async function scrapeTenant(env: Env, appId: string): Promise<TenantScrape> {
  const [queuePages, topicPages] = await Promise.all([
    allPages(env, appId, "queue"),
    allPages(env, appId, "topic"),
  ]);
  const pages = [...queuePages, ...topicPages];
  return {
    appId,
    queues: pages.flatMap((p) => p.queues),
    topics: pages.flatMap((p) => p.topics),
    unreachable: pages.reduce((n, p) => n + p.unreachable, 0),
  };
}

function textResponse(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

function refusal(error: CmqErrorData): Response {
  // A Worker without credentials serves nothing; anything else is this request's authentication.
  const status = error.kind === "noCredentialConfigured" ? 503 : 401;
  return textResponse(status, toWire(error).message);
}

export async function handleMetricsRequest(request: Request, env: Env): Promise<Response> {
  let tenants: string[];
  try {
    tenants = await scrapedTenants(request, env);
  } catch (error) {
    if (!(error instanceof CmqError)) throw error;
    noteRequest(request, { api: "metrics", code: toWire(error.data).code });
    return refusal(error.data);
  }
  noteRequest(request, { api: "metrics", code: 0 });
  const scrapes = await Promise.all(tenants.map((appId) => scrapeTenant(env, appId)));
  return new Response(renderPrometheus(scrapeFamilies(scrapes)), {
    headers: { "content-type": PROMETHEUS_CONTENT_TYPE },
  });
}
