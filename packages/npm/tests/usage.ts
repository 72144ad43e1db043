// A typed use of postproxy-mock, checked with tsc --noEmit against the installed package's
// declarations (never run). Each @ts-expect-error is a misuse the declarations must refuse.
import {
  binaryPath,
  BinaryError,
  ControlError,
  MockExitedError,
  PLATFORMS,
  StartTimeoutError,
  startMock,
  type Account,
  type AccountControl,
  type AccountFixture,
  type AccountInfo,
  type AccountOperation,
  type BinaryErrorCode,
  type ClockReport,
  type Connection,
  type ConnectionOutcome,
  type Control,
  type ExportedAccountFixture,
  type Fault,
  type Fixtures,
  type JournalPage,
  type KeyInfo,
  type Mock,
  type Placement,
  type Profile,
  type ProfileGroup,
  type StartOptions,
} from "postproxy-mock";

const fixtures: Fixtures = {
  accounts: [
    {
      id: "acct_1",
      api_keys: [{ key: "pp_full" }, { key: "pp_scoped", profile_group_id: "grp_1" }],
      profile_groups: [
        {
          id: "grp_1",
          name: "One",
          profiles: [
            {
              id: "prof_1",
              name: "@one",
              platform: "telegram",
              status: "active",
              expires_at: null,
              placements: [{ id: "-100", name: "Channel" }],
              stats: [{ placement_id: "-100", stats: { subscribers: 1, nested: { ok: [true] } }, recorded_at: "2026-01-01T00:00:00Z" }],
            },
          ],
        },
      ],
    },
  ],
};

export async function main(): Promise<void> {
  const options: StartOptions = { fixtures, seed: 7, startTimeoutMs: 5_000, env: { RUST_LOG: undefined } };
  await using mock = await startMock(options);
  const viaPath: Mock = await startMock({ fixtures: "fixtures.json", seed: 1n, binary: "/bin/postproxy-mock" });
  await viaPath.stop();
  // A file URL, by its shape (this check runs without @types/node; usage-node.ts uses Node's URL).
  const url = { href: "file:///tmp/f.json", protocol: "file:", pathname: "/tmp/f.json" };
  await startMock({ fixtures: url }).then((m) => m[Symbol.asyncDispose]());

  const base: string = mock.baseUrl;
  const controlUrl: string = mock.controlUrl;
  const pid: number = mock.pid;
  const full: string | null = mock.fullAccessKey;
  const scoped: string | null = mock.scopedKey;
  const lines: string[] = mock.stderr;
  const exited: boolean = mock.exited;
  const first: Account | undefined = mock.accounts[0];
  const keys: KeyInfo[] = first?.keys ?? [];
  const group: string | null | undefined = keys[0]?.profile_group_id;
  void [base, controlUrl, pid, full, scoped, lines, exited, group];

  const control: Control = mock.control;
  await control.resetAll();
  const all: AccountInfo[] = await control.accounts();
  const created: AccountInfo = await control.createAccount();
  await control.createAccount({ profile_groups: [{ id: "g", name: "G" }] });
  const exported: ExportedAccountFixture = await control.exportFixture(created.id);
  const fullKey = exported.api_keys.find((k) => k.profile_group_id === undefined);
  await control.importFixture(created.id, exported);
  const g: ProfileGroup = await control.addGroup(created.id, { name: "New" });
  await control.renameGroup(created.id, g.id, "Renamed");
  const p: Profile = await control.addProfile(created.id, g.id, { id: "p", name: "n", platform: "youtube", status: "active" });
  await control.patchProfile(created.id, p.id, { status: "expired", expires_at: null, post_count: 3 });
  const placements: Placement[] = await control.addPlacement(created.id, p.id, { id: null, name: "Personal" });
  await control.addSnapshot(created.id, p.id, { stats: { views: 1 }, recorded_at: "2026-01-01T00:00:00Z" });
  const clock = await control.clock(created.id);
  const report: ClockReport = await control.setClock(created.id, { now: clock.now, frozen: true });
  const moved: number = (await control.advanceClock(created.id, { days: 1, hours: 2 })).effects.snapshots_recorded;
  const fault: Fault = await control.addFault(created.id, { method: "GET", path: "/api/**", status: 429, retry_after: 2, times: 3 });
  const remaining: number = fault.remaining;
  const status: number | null = fault.status;
  await control.faults(created.id);
  await control.removeFault(created.id, fault.id);
  await control.clearFaults(created.id);
  const page: JournalPage = await control.journal(created.id, { method: "GET", status: 200, after: 3 });
  const body: string | null | undefined = page.entries[0]?.body;
  await control.journal(created.id);
  await control.clearJournal(created.id);
  await control.recordBodies(created.id, true);
  const pending: Connection[] = await control.connections(created.id);
  const token = pending[0]?.token ?? "";
  const outcome: ConnectionOutcome = await control.authorizeConnection(created.id, token);
  const connected: Profile | null = outcome.profile;
  await control.denyConnection(created.id, token);
  await control.resetAccount(created.id);
  await control.account(created.id);
  await control.deleteAccount(created.id);
  void [all, fullKey, placements, report, moved, remaining, status, body, connected];

  const fixture: AccountFixture = {};
  const account: Account = await mock.newAccount(fixture);
  await mock.newAccount();
  const bound: AccountControl = account.control;
  const id: string = bound.accountId;
  const scopedKey: string | undefined = account.scopedKeys["grp_1"];
  const fullAccess: string | null = account.fullAccessKey;
  await bound.addFault({ status: 503 });
  await bound.advanceClock({ minutes: 5 });
  await bound.journal({ path: "/api/profiles/*" });
  await bound.journal();
  await bound.renameGroup("grp", "name");
  await account.delete();
  void [id, scopedKey, fullAccess];

  try {
    await control.account("nope");
  } catch (error) {
    if (error instanceof ControlError) {
      const s: number = error.status;
      const m: string = error.serverMessage;
      const where: string = `${error.method} ${error.path}`;
      void [s, m, where];
    } else if (error instanceof MockExitedError) {
      const code: number | null = error.exitCode;
      const signal: string | null = error.signal;
      const tail: string[] = error.stderr;
      const stopped: boolean = error.stopped;
      void [code, signal, tail, stopped];
    } else if (error instanceof StartTimeoutError) {
      const ms: number = error.timeoutMs;
      void ms;
    }
  }

  try {
    binaryPath({ platform: "freebsd", arch: "riscv64", libc: null, env: {} });
  } catch (error) {
    if (error instanceof BinaryError) {
      const code: BinaryErrorCode = error.code;
      const path: string | undefined = error.path;
      void [code, path];
    }
  }
  const program: string = binaryPath();
  const linux = PLATFORMS["linux-x64"];
  const exe: string | undefined = linux?.exe;
  void [program, exe];

  // Misuses the declarations refuse.
  // @ts-expect-error seed is a number or bigint
  await startMock({ seed: "7" });
  // @ts-expect-error an unknown option
  await startMock({ port: 8080 });
  // @ts-expect-error fixtures need accounts
  await startMock({ fixtures: { description: "no accounts" } });
  // @ts-expect-error an unknown platform
  await control.addProfile("a", "g", { id: "p", name: "n", platform: "myspace", status: "active" });
  // @ts-expect-error the bound control takes no account id
  await bound.clock("acct_1");
  // @ts-expect-error journal filters take a number status
  await control.journal("a", { status: "200" });
  // @ts-expect-error accounts are read-only
  mock.accounts.push(account);
  // @ts-expect-error baseUrl is read-only
  mock.baseUrl = "http://elsewhere";
  // @ts-expect-error an unknown error code
  const wrong: BinaryErrorCode = "NOPE";
  void wrong;
}

// AccountControl is Control's account operations without the account id, method for method.
type WithoutAccount<F> = F extends (accountId: string, ...rest: infer A) => infer R ? (...rest: A) => R : never;
type Bound = { [K in AccountOperation]: WithoutAccount<Control[K]> };
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const boundMatches: Equal<Omit<AccountControl, "accountId">, Bound> = true;
export const everyOperation: Equal<AccountOperation, Exclude<keyof Control, "resetAll" | "accounts" | "createAccount">> = true;
