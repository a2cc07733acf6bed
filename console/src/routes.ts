/**
 * The console's pages as URL fragments (`#/queues/orders`): the Worker serves one page at
 * /console/, so every page is reachable, bookmarkable and reloadable without a server route.
 * @module
 */

export type Route =
  | { page: "queues" }
  | { page: "queue"; name: string }
  | { page: "topics" }
  | { page: "topic"; name: string };

/** The route a fragment names; anything unknown is the queues page. */
export function parseRoute(hash: string): Route {
  const [kind, name, ...rest] = hash.replace(/^#\/?/, "").split("/");
  if (rest.length === 0 && name) {
    const decoded = decodeURIComponent(name);
    if (kind === "queues") return { page: "queue", name: decoded };
    if (kind === "topics") return { page: "topic", name: decoded };
  }
  if (kind === "topics" && !name) return { page: "topics" };
  return { page: "queues" };
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case "queues":
    case "topics":
      return `#/${route.page}`;
    case "queue":
      return `#/queues/${encodeURIComponent(route.name)}`;
    case "topic":
      return `#/topics/${encodeURIComponent(route.name)}`;
  }
}
