/**
 * `/dashboard` in headless Chromium (Debian's chromium, driven by playwright-core) for the
 * tests of its panels: opens the page, waits until it has drawn data twice, runs the test's
 * checks, fails on any page error, and saves a full-page screenshot in test-artifacts/.
 */
import { mkdir } from "node:fs/promises";
import { chromium, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export async function checkDashboardPage(
  apiUrl: string,
  screenshot: string,
  check: (page: Page) => Promise<void>,
): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${apiUrl}/dashboard`);
    await page.waitForFunction(() => Number(document.body.dataset["updates"]) >= 2, undefined, {
      timeout: 20_000,
    });
    await check(page);
    expect(errors).toEqual([]);
    await mkdir("test-artifacts", { recursive: true });
    await page.screenshot({ path: `test-artifacts/${screenshot}`, fullPage: true });
  } finally {
    await browser.close();
  }
}
