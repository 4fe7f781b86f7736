/**
 * The services effect/cli's Command.run needs (Command.Environment: FileSystem, Path, Terminal,
 * ChildProcessSpawner, Stdio), implemented on Node for the `devtx` bin. effect 4.1 ships the
 * interfaces and their test/no-op layers; the Node implementations live in
 * @effect/platform-node, which devtx does not depend on, so this module provides the part devtx
 * uses:
 * - Stdio: process.argv after the script, process.stdout/stderr as sinks, process.stdin.
 * - FileSystem: access/exists/stat/readFile/readFileString/writeFile over node:fs (what the
 *   CLI's file flags use); every other operation fails with a PlatformError saying so.
 * - Path: effect's POSIX implementation.
 * - Terminal: columns/rows/display/readLine on the process's TTY. devtx runs no prompts (the
 *   --wizard built-in is turned off in DevtxCli.ts), so readInput and size are not provided
 *   and die with a message saying so if ever reached.
 * - ChildProcessSpawner: devtx spawns nothing through effect; spawning dies with a message.
 */
import * as fs from "node:fs"
import * as readline from "node:readline"
import { ByteSize, Effect, FileSystem, Layer, Option, Path, PlatformError, Sink, Stdio, Stream, Terminal } from "effect"
import { ChildProcessSpawner } from "effect/process"

const systemError = (method: string, path: string, cause: unknown) =>
  PlatformError.systemError({
    _tag: (cause as { code?: string }).code === "ENOENT" ? "NotFound" : (cause as { code?: string }).code === "EACCES" ? "PermissionDenied" : "Unknown",
    module: "FileSystem",
    method,
    pathOrDescriptor: path,
    description: cause instanceof Error ? cause.message : String(cause),
    cause
  })

const fileInfo = (s: fs.Stats): FileSystem.File.Info => ({
  type: s.isFile()
    ? "File"
    : s.isDirectory()
      ? "Directory"
      : s.isSymbolicLink()
        ? "SymbolicLink"
        : s.isBlockDevice()
          ? "BlockDevice"
          : s.isCharacterDevice()
            ? "CharacterDevice"
            : s.isFIFO()
              ? "FIFO"
              : s.isSocket()
                ? "Socket"
                : "Unknown",
  mtime: Option.some(s.mtime),
  atime: Option.some(s.atime),
  birthtime: Option.some(s.birthtime),
  dev: BigInt(s.dev),
  ino: Option.some(BigInt(s.ino)),
  mode: s.mode,
  nlink: Option.some(BigInt(s.nlink)),
  uid: Option.some(s.uid),
  gid: Option.some(s.gid),
  rdev: Option.some(BigInt(s.rdev)),
  size: ByteSize.bytes(BigInt(s.size)),
  blksize: Option.some(ByteSize.bytes(BigInt(s.blksize))),
  blocks: Option.some(BigInt(s.blocks))
})

const nodeFileSystem = FileSystem.makeNoop({
  access: (path) =>
    Effect.try({ try: () => fs.accessSync(path), catch: (e) => systemError("access", path, e) }),
  exists: (path) => Effect.sync(() => fs.existsSync(path)),
  stat: (path) => Effect.try({ try: () => fileInfo(fs.statSync(path)), catch: (e) => systemError("stat", path, e) }),
  readFile: (path) => Effect.try({ try: () => new Uint8Array(fs.readFileSync(path)), catch: (e) => systemError("readFile", path, e) }),
  readFileString: (path) => Effect.try({ try: () => fs.readFileSync(path, "utf8"), catch: (e) => systemError("readFileString", path, e) }),
  writeFile: (path, data) => Effect.try({ try: () => fs.writeFileSync(path, data), catch: (e) => systemError("writeFile", path, e) })
})

const writeSink = (stream: NodeJS.WriteStream) =>
  Sink.forEach((chunk: string | Uint8Array) => Effect.sync(() => void stream.write(chunk)))

const nodeStdio = Stdio.make({
  args: Effect.sync(() => process.argv.slice(2)),
  stdinIsTerminal: Effect.sync(() => process.stdin.isTTY === true),
  stdoutIsTerminal: Effect.sync(() => process.stdout.isTTY === true),
  stderrIsTerminal: Effect.sync(() => process.stderr.isTTY === true),
  stdout: () => writeSink(process.stdout),
  stderr: () => writeSink(process.stderr),
  stdin: Stream.fromAsyncIterable(process.stdin as AsyncIterable<Uint8Array>, (cause) =>
    PlatformError.systemError({ _tag: "Unknown", module: "Stdio", method: "stdin", cause })
  )
})

const nodeTerminal = Terminal.make({
  columns: Effect.sync(() => process.stdout.columns ?? 80),
  rows: Effect.sync(() => process.stdout.rows ?? 24),
  size: Effect.die("devtx runs no interactive prompts: terminal size events are not provided"),
  readInput: Effect.die("devtx runs no interactive prompts: terminal key input is not provided"),
  readLine: Effect.callback<string, Terminal.QuitError>((resume) => {
    const rl = readline.createInterface({ input: process.stdin })
    rl.once("line", (line) => {
      rl.close()
      resume(Effect.succeed(line))
    })
    rl.once("close", () => resume(Effect.fail(new Terminal.QuitError())))
  }),
  display: (text) => Effect.sync(() => void process.stdout.write(text))
})

const noSpawner = ChildProcessSpawner.make(() => Effect.die("devtx spawns no child processes through effect"))

/** Every service Command.run needs, for the devtx bin on Node. */
export const nodeCliEnvironment = Layer.mergeAll(
  Layer.succeed(FileSystem.FileSystem, nodeFileSystem),
  Path.layer,
  Layer.succeed(Stdio.Stdio, nodeStdio),
  Layer.succeed(Terminal.Terminal, nodeTerminal),
  Layer.succeed(ChildProcessSpawner.ChildProcessSpawner, noSpawner)
)
