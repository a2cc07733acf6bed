#!/usr/bin/env node
// `npx cmq-edge`: the CLI is TypeScript, run through tsx as the npm scripts run theirs, from
// wherever it is called (tsx is registered here, not resolved from the working directory).
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
