/**
 * T without `readonly`, for the one function that builds a T field by field (optional
 * fields set only when present, instead of spreading conditional temporaries).
 */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
