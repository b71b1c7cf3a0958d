// The Babel transform plugins ship no type declarations; each default export is a plugin.
declare module '@babel/plugin-transform-*' {
  const plugin: import('@babel/core').PluginItem;
  export default plugin;
}
