import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const hub = process.env.POWERSHARE_HUB ?? "http://127.0.0.1:8000";

/** Whether a WebSocket's Origin is this dev server itself (same host and port as it was asked on). */
function servedByThisServer(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false; // "null" or garbage: not ours
  }
}

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // MapLibre alone is about 1.1 MB (295 kB gzipped); it loads only on the map screen.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      "/api": { target: hub, changeOrigin: true },
      "/ws": {
        target: hub,
        ws: true,
        changeOrigin: true,
        // The hub opens /ws only to pages from its own origin (POWERSHARE_ALLOWED_ORIGINS besides).
        // A page this dev server served (any port or address, a phone on the LAN too) is the hub's
        // own app, so its Origin becomes the hub's; any other page's stays as it is and is refused.
        configure: (proxy) => {
          proxy.on("proxyReqWs", (proxyReq, req) => {
            if (servedByThisServer(req.headers.origin, req.headers.host)) proxyReq.setHeader("origin", new URL(hub).origin);
          });
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    // The machine running the whole suite is shared and busy: a page test that renders the app
    // and waits for its answers may take several seconds there (no test asserts a duration).
    testTimeout: 20_000,
    // No canvas or WebGL in jsdom: charts draw into a recorder (src/test/uplotFake.ts) instead of
    // uPlot, and the map places its markers without drawing (src/test/maplibreFake.ts).
    alias: [
      { find: /^uplot$/, replacement: fileURLToPath(new URL("./src/test/uplotFake.ts", import.meta.url)) },
      { find: /^maplibre-gl$/, replacement: fileURLToPath(new URL("./src/test/maplibreFake.ts", import.meta.url)) },
    ],
  },
});
