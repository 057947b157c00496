/** What Vite's `?url` imports give (the page's build asset's URL), for tsc. */
declare module '*?url' {
  const url: string;
  export default url;
}
