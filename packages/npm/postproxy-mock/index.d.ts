// Type declarations of postproxy-mock (hand-written; the shapes are those of the
// postproxy-mock program's control API, /__mock/openapi.json, and of its fixture format,
// `postproxy-mock fixture-schema`).

/// <reference lib="esnext.disposable" />

// ---------------------------------------------------------------------------- JSON and models

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A social network, as the Postproxy API names it. */
export type Platform =
  | "facebook"
  | "instagram"
  | "tiktok"
  | "linkedin"
  | "youtube"
  | "twitter"
  | "threads"
  | "pinterest"
  | "bluesky"
  | "telegram"
  | "google_business";

/** A profile's connection status. */
export type ProfileStatus = "active" | "expired" | "inactive";

/** A profile group, as the product API shows it. */
export interface ProfileGroup {
  id: string;
  name: string;
  /** Number of profiles in the group. */
  profiles_count: number;
}

/** A profile, as the product API lists it. */
export interface Profile {
  id: string;
  name: string;
  platform: Platform;
  status: ProfileStatus;
  profile_group_id: string;
  /** RFC 3339, or null when the connection does not expire. */
  expires_at: string | null;
  post_count: number;
  avatar_url: string | null;
}

/** A placement (a page, organisation, channel, board or location of a profile). */
export interface Placement {
  /** Null for the LinkedIn personal profile only. */
  id: string | null;
  name: string;
}

// ---------------------------------------------------------------------------- fixtures

/** A fixture file's content: the data a server starts with (`postproxy-mock fixture-schema`). */
export interface Fixtures {
  /** Free text; ignored by the server. */
  description?: string;
  /** The accounts; nothing is shared between them. */
  accounts: AccountFixture[];
}

/** One account in the fixture format (also the body of createAccount and importFixture). */
export interface AccountFixture {
  /** Generated when absent. */
  id?: string;
  /** Free text; ignored by the server. */
  description?: string;
  /** Without any, createAccount gives the account one generated full-access key. */
  api_keys?: ApiKeyFixture[];
  profile_groups?: GroupFixture[];
}

/** An API key: full access, or scoped to one of the account's groups. */
export interface ApiKeyFixture {
  /** The secret; generated when absent (deterministic for the seed). */
  key?: string;
  /** The group the key is limited to; absent or null for full access. */
  profile_group_id?: string | null;
  description?: string;
}

/** A profile group and its profiles. */
export interface GroupFixture {
  id: string;
  /** Not blank. */
  name: string;
  profiles?: ProfileFixture[];
}

/** A profile with its placements and stats snapshots (also the body of addProfile). */
export interface ProfileFixture {
  id: string;
  name: string;
  platform: Platform;
  status: ProfileStatus;
  /** RFC 3339, or null. */
  expires_at?: string | null;
  /** Not negative; 0 when absent. */
  post_count?: number;
  avatar_url?: string | null;
  /** Only for facebook, linkedin, pinterest, telegram and google_business. */
  placements?: Placement[];
  /** Stats snapshots; none means the profile was never polled. */
  stats?: SnapshotFixture[];
}

/** One stats snapshot (also the body of addSnapshot). */
export interface SnapshotFixture {
  /** Required for facebook, linkedin and telegram (a placement of the profile); null otherwise. */
  placement_id?: string | null;
  /** The metrics, keyed as the network names them. */
  stats: { [metric: string]: JsonValue };
  /** RFC 3339; served exactly as written. */
  recorded_at: string;
}

/** An account exported by exportFixture: every field present. */
export interface ExportedAccountFixture {
  id: string;
  api_keys: ExportedApiKey[];
  profile_groups: ExportedGroupFixture[];
}

export interface ExportedApiKey {
  key: string;
  /** Absent for a full-access key. */
  profile_group_id?: string;
}

export interface ExportedGroupFixture {
  id: string;
  name: string;
  profiles: ExportedProfileFixture[];
}

export interface ExportedProfileFixture {
  id: string;
  name: string;
  platform: Platform;
  status: ProfileStatus;
  expires_at: string | null;
  post_count: number;
  avatar_url: string | null;
  placements: Placement[];
  stats: ExportedSnapshot[];
}

export interface ExportedSnapshot {
  placement_id: string | null;
  stats: { [metric: string]: JsonValue };
  recorded_at: string;
}

// ---------------------------------------------------------------------------- control API shapes

/** An API key as the control API and the ready line show it. */
export interface KeyInfo {
  /** The secret, for `Authorization: Bearer <key>`. */
  key: string;
  /** Its public id, as the journal shows it. */
  key_id: string;
  /** The group a scoped key is limited to; null for full access. */
  profile_group_id: string | null;
}

/** An account's clock. */
export interface ClockInfo {
  /** The account's current time (RFC 3339). */
  now: string;
  frozen: boolean;
}

/** An account: its id, keys, sizes and clock. */
export interface AccountInfo {
  id: string;
  api_keys: KeyInfo[];
  /** Number of profile groups. */
  profile_groups: number;
  /** Number of profiles. */
  profiles: number;
  clock: ClockInfo;
}

/** A group to add; its id is generated when absent. */
export interface GroupInject {
  id?: string;
  /** Not blank. */
  name: string;
}

/** Changes to a profile; absent fields stay. */
export interface ProfilePatch {
  name?: string;
  status?: ProfileStatus;
  /** RFC 3339, or null to clear. */
  expires_at?: string | null;
  /** Not negative. */
  post_count?: number;
  /** A URL, or null to clear. */
  avatar_url?: string | null;
}

/** Sets, freezes or resumes a clock; absent fields stay. */
export interface ClockUpdate {
  /** The new time (RFC 3339). */
  now?: string;
  /** Freeze (true) or let run (false). */
  frozen?: boolean;
}

/** How far to move a clock forward; the parts are added up (0 to 100 years in all). */
export interface ClockAdvance {
  seconds?: number;
  minutes?: number;
  hours?: number;
  days?: number;
}

/** What a clock move did. */
export interface TickReport {
  /** Stats snapshots recorded by polling (one per active profile, or placement, per 23 hours). */
  snapshots_recorded: number;
  /** Profiles whose expires_at passed and that became expired. */
  profiles_expired: number;
}

/** The clock after a change, and what time did to the account. */
export interface ClockReport {
  clock: ClockInfo;
  effects: TickReport;
}

/**
 * A fault for the next `times` product-API requests of the account that match `method` and
 * `path`. At least one of `status`, `latency_ms` and `drop_connection` is given.
 */
export interface FaultSpec {
  /** Only this method (case-insensitive); any when absent. */
  method?: string;
  /** `*` matches within one segment, a `**` segment any number of segments, e.g. `/api/profiles/*`; any path when absent. */
  path?: string;
  /** How many matching requests (default 1, at most 100000). */
  times?: number;
  /** Answer with this status (400–599) and the API's error body. */
  status?: number;
  /** The body's `error` message; one fitting the status when absent. */
  error?: string;
  /** `Retry-After` seconds (429 defaults to 1). */
  retry_after?: number;
  /** Delay the answer (at most 60000 ms). */
  latency_ms?: number;
  /** Close the connection without an answer (not with `status`). */
  drop_connection?: boolean;
}

/** A fault as the server keeps it. */
export interface Fault {
  /** Its id within the account, e.g. `fault_1`. */
  id: string;
  method: string | null;
  path: string | null;
  times: number | null;
  status: number | null;
  error: string | null;
  retry_after: number | null;
  latency_ms: number | null;
  drop_connection: boolean;
  /** How many more requests it applies to. */
  remaining: number;
}

/** Which journal entries to list; every given field must match. */
export interface JournalFilter {
  /** Only this method (case-insensitive). */
  method?: string;
  /** Only paths matching this pattern, as a fault's `path`: `/api/profiles/*` one profile, `/api/profiles/**` all under it. */
  path?: string;
  /** Only this status. */
  status?: number;
  /** Only entries after this `seq`. */
  after?: number;
}

/** One product-API request of the account. */
export interface JournalEntry {
  /** From 1, never reused. */
  seq: number;
  method: string;
  path: string;
  /** The raw query string without `?`, or null. */
  query: string | null;
  status: number;
  /** When the request arrived, by the account's clock (RFC 3339). */
  at: string;
  /** The id of the key used (see KeyInfo.key_id), never the key. */
  key_id: string;
  /** The request body (cut at 16 KiB) when the journal records bodies, else null. */
  body: string | null;
}

/** A page of the journal. */
export interface JournalPage {
  /** The matching entries, oldest first. */
  entries: JournalEntry[];
  /** Entries dropped because the journal was full, since the last clear. */
  dropped: number;
  /** The most entries kept (1000). */
  cap: number;
  record_bodies: boolean;
}

/** A pending connection (from initialize_connection). */
export interface Connection {
  /** The token in the connect URL. */
  token: string;
  account_id: string;
  profile_group_id: string;
  platform: Platform;
  redirect_url: string;
  refresh_connection: boolean;
  /** When the URL stops working (RFC 3339, by the account's clock). */
  expires_at: string;
}

/** What completing or denying a connection did. */
export interface ConnectionOutcome {
  /** redirect_url with `status=success&profile_id=…` or `error=access_denied`. */
  redirect_to: string;
  /** The connected profile; null when denied. */
  profile: Profile | null;
}

// ---------------------------------------------------------------------------- control clients

/**
 * Every operation of the control API (`/__mock/`), named as the Rust ControlClient's. Each
 * rejects with a {@link ControlError} when the server answers 4xx or 5xx, and with a
 * {@link MockExitedError} when the server has exited.
 */
export interface Control {
  /** Puts the whole server back as it started; accounts created since are removed. */
  resetAll(): Promise<void>;
  /** Every account. */
  accounts(): Promise<AccountInfo[]>;
  /** Creates an isolated account (id and keys generated where the fixture has none). */
  createAccount(fixture?: AccountFixture): Promise<AccountInfo>;
  /** One account. */
  account(accountId: string): Promise<AccountInfo>;
  /** Removes an account; its keys stop working. */
  deleteAccount(accountId: string): Promise<void>;
  /** Puts an account back as it was created. */
  resetAccount(accountId: string): Promise<AccountInfo>;
  /** The account's state as a fixture. */
  exportFixture(accountId: string): Promise<ExportedAccountFixture>;
  /** Replaces the account's groups, profiles and keys with a fixture (all or nothing). */
  importFixture(accountId: string, fixture: AccountFixture): Promise<AccountInfo>;
  /** Adds a profile group. */
  addGroup(accountId: string, group: GroupInject): Promise<ProfileGroup>;
  /** Renames a profile group. */
  renameGroup(accountId: string, groupId: string, name: string): Promise<ProfileGroup>;
  /** Adds a profile to a group. */
  addProfile(accountId: string, groupId: string, profile: ProfileFixture): Promise<Profile>;
  /** Changes a profile. */
  patchProfile(accountId: string, profileId: string, patch: ProfilePatch): Promise<Profile>;
  /** Adds a placement to a profile; resolves with all of its placements. */
  addPlacement(accountId: string, profileId: string, placement: Placement): Promise<Placement[]>;
  /** Adds a stats snapshot to a profile. */
  addSnapshot(accountId: string, profileId: string, snapshot: SnapshotFixture): Promise<void>;
  /** The account's clock. */
  clock(accountId: string): Promise<ClockInfo>;
  /** Sets, freezes or resumes the account's clock. */
  setClock(accountId: string, update: ClockUpdate): Promise<ClockReport>;
  /** Moves the account's clock forward; polling and expiry follow. */
  advanceClock(accountId: string, by: ClockAdvance): Promise<ClockReport>;
  /** The account's armed faults. */
  faults(accountId: string): Promise<Fault[]>;
  /** Arms a fault. */
  addFault(accountId: string, fault: FaultSpec): Promise<Fault>;
  /** Disarms one fault. */
  removeFault(accountId: string, faultId: string): Promise<void>;
  /** Disarms every fault. */
  clearFaults(accountId: string): Promise<void>;
  /** The account's journal, filtered. */
  journal(accountId: string, filter?: JournalFilter): Promise<JournalPage>;
  /** Empties the account's journal. */
  clearJournal(accountId: string): Promise<void>;
  /** Whether the journal records request bodies from now on. */
  recordBodies(accountId: string, record: boolean): Promise<void>;
  /** The account's pending connections. */
  connections(accountId: string): Promise<Connection[]>;
  /** Completes a pending connection as if the user clicked Authorize. */
  authorizeConnection(accountId: string, token: string): Promise<ConnectionOutcome>;
  /** Ends a pending connection as if the user clicked Deny. */
  denyConnection(accountId: string, token: string): Promise<ConnectionOutcome>;
}

/** The names of Control's operations on one account (those whose first argument is the id). */
export type AccountOperation =
  | "account"
  | "deleteAccount"
  | "resetAccount"
  | "exportFixture"
  | "importFixture"
  | "addGroup"
  | "renameGroup"
  | "addProfile"
  | "patchProfile"
  | "addPlacement"
  | "addSnapshot"
  | "clock"
  | "setClock"
  | "advanceClock"
  | "faults"
  | "addFault"
  | "removeFault"
  | "clearFaults"
  | "journal"
  | "clearJournal"
  | "recordBodies"
  | "connections"
  | "authorizeConnection"
  | "denyConnection";

/**
 * Control's operations bound to one account (`account.control`): the same methods, without
 * the account id.
 */
export interface AccountControl {
  /** The account these operations act on. */
  readonly accountId: string;
  /** The account. */
  account(): Promise<AccountInfo>;
  /** Removes the account; its keys stop working. */
  deleteAccount(): Promise<void>;
  /** Puts the account back as it was created. */
  resetAccount(): Promise<AccountInfo>;
  /** The account's state as a fixture. */
  exportFixture(): Promise<ExportedAccountFixture>;
  /** Replaces the account's groups, profiles and keys with a fixture (all or nothing). */
  importFixture(fixture: AccountFixture): Promise<AccountInfo>;
  /** Adds a profile group. */
  addGroup(group: GroupInject): Promise<ProfileGroup>;
  /** Renames a profile group. */
  renameGroup(groupId: string, name: string): Promise<ProfileGroup>;
  /** Adds a profile to a group. */
  addProfile(groupId: string, profile: ProfileFixture): Promise<Profile>;
  /** Changes a profile. */
  patchProfile(profileId: string, patch: ProfilePatch): Promise<Profile>;
  /** Adds a placement to a profile; resolves with all of its placements. */
  addPlacement(profileId: string, placement: Placement): Promise<Placement[]>;
  /** Adds a stats snapshot to a profile. */
  addSnapshot(profileId: string, snapshot: SnapshotFixture): Promise<void>;
  /** The account's clock. */
  clock(): Promise<ClockInfo>;
  /** Sets, freezes or resumes the account's clock. */
  setClock(update: ClockUpdate): Promise<ClockReport>;
  /** Moves the account's clock forward; polling and expiry follow. */
  advanceClock(by: ClockAdvance): Promise<ClockReport>;
  /** The account's armed faults. */
  faults(): Promise<Fault[]>;
  /** Arms a fault. */
  addFault(fault: FaultSpec): Promise<Fault>;
  /** Disarms one fault. */
  removeFault(faultId: string): Promise<void>;
  /** Disarms every fault. */
  clearFaults(): Promise<void>;
  /** The account's journal, filtered. */
  journal(filter?: JournalFilter): Promise<JournalPage>;
  /** Empties the account's journal. */
  clearJournal(): Promise<void>;
  /** Whether the journal records request bodies from now on. */
  recordBodies(record: boolean): Promise<void>;
  /** The account's pending connections. */
  connections(): Promise<Connection[]>;
  /** Completes a pending connection as if the user clicked Authorize. */
  authorizeConnection(token: string): Promise<ConnectionOutcome>;
  /** Ends a pending connection as if the user clicked Deny. */
  denyConnection(token: string): Promise<ConnectionOutcome>;
}

// ---------------------------------------------------------------------------- the mock

/**
 * A `file:` URL, e.g. `new URL("./fixtures.json", import.meta.url)`: Node's URL (declared here
 * by its shape, so these declarations need neither @types/node nor the DOM library).
 */
export interface FileUrl {
  readonly href: string;
  readonly protocol: string;
  readonly pathname: string;
}

/** An account of the mock: its keys, and the control API bound to it. */
export interface Account {
  readonly id: string;
  /** Its API keys, in order. */
  readonly keys: KeyInfo[];
  /** The first full-access key; null if the account has none. */
  readonly fullAccessKey: string | null;
  /** The first key scoped to each group, by group id. */
  readonly scopedKeys: { readonly [groupId: string]: string };
  /** The control API for this account. */
  readonly control: AccountControl;
  /** Removes the account; its keys stop working. */
  delete(): Promise<void>;
}

/** How to start the mock. */
export interface StartOptions {
  /**
   * The data to start with: a fixture file (JSON, or YAML ending in .yaml/.yml), or a
   * {@link Fixtures} object (written to a temporary file that stop() removes). The built-in
   * demo data when absent.
   */
  fixtures?: string | FileUrl | Fixtures;
  /** The seed of generated ids and polled stats (an integer, 0 to 2^64-1). */
  seed?: number | bigint;
  /** The program to run; default: {@link binaryPath}(). */
  binary?: string;
  /**
   * Environment variables for the program, over process.env (undefined removes one).
   * POSTPROXY_MOCK_BINARY here is honoured too when `binary` is not given.
   */
  env?: { [name: string]: string | undefined };
  /** How long to wait for the program to say it is ready (default 10000 ms); then it is killed. */
  startTimeoutMs?: number;
}

/** A running postproxy-mock server. */
export interface Mock extends AsyncDisposable {
  /** Where the product API is: `http://127.0.0.1:PORT` (the API is under /api). */
  readonly baseUrl: string;
  /** Where the control API is: `http://127.0.0.1:PORT/__mock`. */
  readonly controlUrl: string;
  /** The program's process id. */
  readonly pid: number;
  /** The first account's first full-access key (demo data: pp_demo_full_0123456789abcdef); null if none. */
  readonly fullAccessKey: string | null;
  /** The first account's first group-scoped key (demo data: pp_demo_scoped_0123456789abcdef); null if none. */
  readonly scopedKey: string | null;
  /** The accounts the server started with, in fixture order. */
  readonly accounts: readonly Account[];
  /** The whole control API. */
  readonly control: Control;
  /** The last lines (up to 50) the program wrote to stderr. */
  readonly stderr: string[];
  /** Whether the program has exited. */
  readonly exited: boolean;
  /**
   * Creates an isolated account (POST /__mock/accounts). Without a fixture, a copy of the
   * server's first account as it started (the demo data by default) with keys of its own: one
   * full-access key, and one scoped key for each group that had one. `{}` gives an empty
   * account with one generated full-access key.
   */
  newAccount(fixture?: AccountFixture): Promise<Account>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the program is gone. A second call resolves with the first. */
  stop(): Promise<void>;
  /** stop(), for `await using mock = await startMock()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts `postproxy-mock --port 0 --ready-json --exit-on-stdin-close [--fixtures F] [--seed N]
 * --log-level warn` and resolves once it accepts connections. The program does not keep Node's
 * event loop alive, and exits when this process does (its stdin closes).
 *
 * Rejects with a {@link MockExitedError} if the program exits first (e.g. invalid fixtures:
 * the message carries its stderr, which names the field), a {@link StartTimeoutError} after
 * `startTimeoutMs`, a {@link BinaryError} if no program is found, a TypeError for bad options.
 */
export function startMock(options?: StartOptions): Promise<Mock>;

// ---------------------------------------------------------------------------- errors

/** The control API answered 4xx or 5xx. */
export class ControlError extends Error {
  constructor(details: { method: string; path: string; status: number; serverMessage: string; body: unknown });
  readonly name: "ControlError";
  /** The HTTP method, e.g. "POST". */
  readonly method: string;
  /** The request path, e.g. "/__mock/accounts". */
  readonly path: string;
  /** The HTTP status. */
  readonly status: number;
  /** The server's message: the `error` of the JSON body (for an invalid fixture it names the field path). */
  readonly serverMessage: string;
  /** The body: parsed JSON, or the text if it was not JSON. */
  readonly body: unknown;
}

/** The program exited: before it was ready, or before it answered a control request. */
export class MockExitedError extends Error {
  constructor(
    message: string,
    details: { exitCode: number | null; signal: string | null; stderr: string[]; stopped: boolean },
  );
  readonly name: "MockExitedError";
  /** Its exit code; null when a signal ended it (or it never started). */
  readonly exitCode: number | null;
  /** The signal that ended it, e.g. "SIGKILL"; null when it exited by itself. */
  readonly signal: string | null;
  /** The last lines of its stderr (also in the message). */
  readonly stderr: string[];
  /** Whether it ended because stop() was called. */
  readonly stopped: boolean;
}

/** The program did not say it was ready in time; it was killed. */
export class StartTimeoutError extends Error {
  constructor(message: string, details: { timeoutMs: number; stderr: string[] });
  readonly name: "StartTimeoutError";
  readonly timeoutMs: number;
  readonly stderr: string[];
}

/** Why {@link binaryPath} found no program. */
export type BinaryErrorCode =
  /** No package is published for this platform, arch and libc. */
  | "UNSUPPORTED_PLATFORM"
  /** This platform's package is not installed (optional dependencies omitted). */
  | "PACKAGE_NOT_INSTALLED"
  /** The file (POSTPROXY_MOCK_BINARY's, or the package's) does not exist. */
  | "BINARY_MISSING"
  /** The file is not executable. */
  | "BINARY_NOT_EXECUTABLE";

/** No runnable postproxy-mock program was found; the message says why and how to fix it. */
export class BinaryError extends Error {
  constructor(code: BinaryErrorCode, message: string, path?: string);
  readonly name: "BinaryError";
  readonly code: BinaryErrorCode;
  /** The file in question, when there is one. */
  readonly path: string | undefined;
}

// ---------------------------------------------------------------------------- the program

/** A platform a program package is published for. */
export interface PlatformPackage {
  /** process.platform */
  readonly os: string;
  /** process.arch */
  readonly cpu: string;
  /** The C library on Linux ("glibc" or "musl"); null elsewhere. */
  readonly libc: "glibc" | "musl" | null;
  /** The program's file name in the package's bin/. */
  readonly exe: string;
}

/**
 * The supported platforms, keyed `${platform}-${arch}` (plus `-musl` on musl Linux); the
 * program of each is in the package `@postproxy-mock/<key>`.
 */
export const PLATFORMS: { readonly [key: string]: PlatformPackage };

/** What binaryPath looks at; each defaults to this process's (for tests). */
export interface BinaryPathOptions {
  /** Default process.platform. */
  platform?: string;
  /** Default process.arch. */
  arch?: string;
  /** Default: detected on Linux, null elsewhere. */
  libc?: "glibc" | "musl" | null;
  /** Default process.env (for POSTPROXY_MOCK_BINARY). */
  env?: { [name: string]: string | undefined };
  /** Where the platform package is resolved from (a file path or URL); default this package. */
  resolveFrom?: string | FileUrl;
}

/**
 * The path of the postproxy-mock program: POSTPROXY_MOCK_BINARY if set, else the program in
 * this platform's package (`@postproxy-mock/<platform>-<arch>[-musl]/bin/postproxy-mock`).
 * Throws a {@link BinaryError} saying what is wrong and how to fix it.
 */
export function binaryPath(options?: BinaryPathOptions): string;
