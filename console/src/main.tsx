/** The console's entry: mounts the app on the page the Worker serves at /console/. */
import { render } from "preact";
import { App } from "./app";
import "./console.css";

const root = document.getElementById("app");
if (root) render(<App />, root);
