/**
 * `cmq-edge profile …`: the profile file (~/.cmq-edge/config, INI, one section a profile) —
 * `set` saves the connection flags given with it, `list` names the profiles, `show` prints the
 * settings a command would use and where each came from (flag, env, profile, default).
 * @module
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { stringify } from "ini";
import { UsageError } from "./failure";
import { formatTable } from "./output";
import type { GlobalOptions, Runtime } from "./runtime";
import {
  configFilePath,
  PROFILE_KEYS,
  readProfiles,
  resolveSettings,
  type SettingName,
} from "./settings";

/** A secret key shown only by its last four characters. */
function masked(key: string): string {
  return key.length <= 4 ? "****" : `****${key.slice(-4)}`;
}

export function registerProfile(program: Command, rt: Runtime): void {
  const profile = program
    .command("profile")
    .description("named connection settings in ~/.cmq-edge/config");

  profile
    .command("set <name>")
    .description(
      "save --endpoint, --secret-id, --secret-key and --tcp-address (those given) as profile <name>",
    )
    .action((name: string, _o: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const given = Object.entries(PROFILE_KEYS).filter(
        ([setting]) => globals[setting as SettingName] !== undefined,
      );
      if (given.length === 0) {
        throw new UsageError(
          "nothing to save: give --endpoint, --secret-id, --secret-key or --tcp-address",
        );
      }
      const path = configFilePath(rt.io.env);
      const profiles = readProfiles(path);
      const section = { ...profiles[name] };
      for (const [setting, key] of given) section[key] = globals[setting as SettingName] as string;
      profiles[name] = section;
      // The file holds secret keys: readable by its owner only, as the AWS CLI keeps its own.
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, stringify(profiles), { mode: 0o600 });
      chmodSync(path, 0o600);
      rt.output(command).result(
        { profile: name, file: path, saved: given.map(([, k]) => k) },
        () => `saved ${given.map(([, k]) => k).join(", ")} in profile ${name} (${path})`,
      );
    });

  profile
    .command("list")
    .description("the profiles in the profile file")
    .action((_o: unknown, command: Command) => {
      const path = configFilePath(rt.io.env);
      const rows = Object.entries(readProfiles(path)).map(([name, section]) => ({
        profile: name,
        endpoint: section[PROFILE_KEYS.endpoint] ?? "",
      }));
      rt.output(command).result({ file: path, profiles: rows }, () =>
        rows.length === 0
          ? `no profiles in ${path}`
          : formatTable(rows, [
              { header: "PROFILE", value: (r) => r.profile },
              { header: "ENDPOINT", value: (r) => r.endpoint },
            ]),
      );
    });

  profile
    .command("show")
    .description("the settings a command would use, and where each comes from")
    .action((_o: unknown, command: Command) => {
      const settings = resolveSettings(command.optsWithGlobals<GlobalOptions>(), rt.io.env);
      const rows = [
        { setting: "profile", value: settings.profile, source: settings.configFile },
        { setting: "endpoint", value: settings.endpoint, source: settings.sources.endpoint },
        {
          setting: "secret_id",
          value: settings.credentials.secretId,
          source: settings.sources.secretId,
        },
        {
          setting: "secret_key",
          value: masked(settings.credentials.secretKey),
          source: settings.sources.secretKey,
        },
        {
          setting: "tcp_address",
          value: settings.tcp ? `${settings.tcp.host}:${settings.tcp.port}` : "(none: HTTP)",
          source: settings.sources.tcpAddress ?? "",
        },
      ];
      const json = Object.fromEntries(
        rows.map((r) => [r.setting, { value: r.value, source: r.source }]),
      );
      rt.output(command).result(json, () =>
        formatTable(rows, [
          { header: "SETTING", value: (r) => r.setting },
          { header: "VALUE", value: (r) => r.value },
          { header: "SOURCE", value: (r) => r.source ?? "" },
        ]),
      );
    });
}
