// The Babel transform plugins ship no type declarations; each default export is a plugin.
declare module '@babel/plugin-transform-destructuring' {
  const plugin: import('@babel/core').PluginItem;
  export default plugin;
}
declare module '@babel/plugin-transform-parameters' {
  const plugin: import('@babel/core').PluginItem;
  export default plugin;
}
declare module '@babel/plugin-transform-spread' {
  const plugin: import('@babel/core').PluginItem;
  export default plugin;
}
declare module '@babel/plugin-transform-block-scoping' {
  const plugin: import('@babel/core').PluginItem;
  export default plugin;
}
declare module '@babel/plugin-transform-exponentiation-operator' {
  const plugin: import('@babel/core').PluginItem;
  export default plugin;
}
declare module '@babel/plugin-transform-optional-chaining' {
  const plugin: import('@babel/core').PluginItem;
  export default plugin;
}
declare module '@babel/plugin-transform-logical-assignment-operators' {
  const plugin: import('@babel/core').PluginItem;
  export default plugin;
}
declare module '@babel/plugin-transform-class-properties' {
  const plugin: import('@babel/core').PluginItem;
  export default plugin;
}
declare module '@babel/plugin-transform-object-rest-spread' {
  const plugin: import('@babel/core').PluginItem;
  export default plugin;
}
