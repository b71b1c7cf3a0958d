// CayenneLPP: encode, decode (TS013 shape), variants of the reference
// implementations, and schema readings as LPP. See docs/CAYENNELPP.md.
export { LPP_TYPE_NAMES, lppCatalogue } from './types.ts';
export type { LppCatalogue, LppOptions, LppTypeInfo, LppTypeName, LppVariant } from './types.ts';
export { decodeLpp, decodeUplinkLpp, lppDataKey, parseLpp } from './decode.ts';
export type { LppDecodeResult, LppEntry, LppParseResult, LppValue } from './decode.ts';
export { encodeLpp, lppFieldsFromData, LppEncodeError } from './encode.ts';
export type { LppField } from './encode.ts';
export { encodeSchemaReadingLpp, lppMappings, lppReadingSize } from './schema.ts';
export type { LppMappedField, LppReading } from './schema.ts';
