/** The console's pages as URL fragments: each names one page, and back again. */
import { describe, expect, it } from "vitest";
import { parseRoute, type Route, routeHref } from "../../console/src/routes";

describe("console routes", () => {
  it.each<[string, Route]>([
    ["", { page: "queues" }],
    ["#/queues", { page: "queues" }],
    ["#/queues/orders", { page: "queue", name: "orders" }],
    ["#/queues/a%2Fb", { page: "queue", name: "a/b" }],
    ["#/topics", { page: "topics" }],
    ["#/topics/events", { page: "topic", name: "events" }],
    ["#/nowhere/x/y", { page: "queues" }],
    ["#/queues/orders/extra", { page: "queues" }],
  ])("%s is %o", (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it("writes every route as a fragment that parses back to it", () => {
    const routes: Route[] = [
      { page: "queues" },
      { page: "queue", name: "orders-1_a" },
      { page: "queue", name: "a/b c" },
      { page: "topics" },
      { page: "topic", name: "t" },
    ];
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route);
  });
});
