#!/usr/bin/env node
// Entry point of the `switchyard` command: registers the TypeScript loader, then runs the CLI.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
