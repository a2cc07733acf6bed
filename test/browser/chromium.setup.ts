/** The browser project's global setup: Chromium is there before any console test starts. */
import { ensureChromium } from "./chromium";

export default function setup(): void {
  ensureChromium();
}
