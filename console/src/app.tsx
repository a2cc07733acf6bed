/**
 * The frame around every page: sign-in until a credential works, then the navigation, who is
 * signed in, sign-out, and the page the URL fragment names.
 * @module
 */
import type { CmqClient } from "cmq-edge/client/http";
import { useEffect, useState } from "preact/hooks";
import { QueuePage } from "./pages/queue-page";
import { QueuesPage } from "./pages/queues-page";
import { SignIn } from "./pages/sign-in";
import { TopicPage } from "./pages/topic-page";
import { TopicsPage } from "./pages/topics-page";
import { parseRoute, type Route, routeHref } from "./routes";
import { clientFor, forgetCredentials, storedCredentials } from "./session";

interface Session {
  client: CmqClient;
  secretId: string;
}

function restored(): Session | undefined {
  const credentials = storedCredentials();
  return credentials && { client: clientFor(credentials), secretId: credentials.secretId };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(restored);
  const route = useRoute();
  if (!session) {
    return <SignIn onSignedIn={(client, secretId) => setSession({ client, secretId })} />;
  }
  const signOut = () => {
    forgetCredentials();
    setSession(undefined);
  };
  const section = route.page === "topics" || route.page === "topic" ? "topics" : "queues";
  return (
    <div class="frame">
      <header class="top">
        <a class="brand" href={routeHref({ page: "queues" })}>
          cmq-edge
        </a>
        <nav>
          <a href={routeHref({ page: "queues" })} class={section === "queues" ? "current" : ""}>
            Queues
          </a>
          <a href={routeHref({ page: "topics" })} class={section === "topics" ? "current" : ""}>
            Topics
          </a>
        </nav>
        <span class="who">
          signed in as <code>{session.secretId}</code>
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>{page(route, session.client)}</main>
    </div>
  );
}

function page(route: Route, client: CmqClient) {
  switch (route.page) {
    case "queues":
      return <QueuesPage client={client} />;
    case "queue":
      return <QueuePage key={route.name} client={client} name={route.name} />;
    case "topics":
      return <TopicsPage client={client} />;
    case "topic":
      return <TopicPage key={route.name} client={client} name={route.name} />;
  }
}
