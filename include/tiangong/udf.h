/*
 * Tiangong user-defined function plugins: the stable C ABI.
 *
 * A plugin is a shared library (.so) that exports one function,
 *
 *     const tiangong_udf_plugin* tiangong_udf_plugin_v1(void);
 *
 * returning a static description of the functions it implements. Each
 * function has an identifier (typically the Java class name the same function
 * has on Flink, e.g. "com.github.nexmark.flink.udf.CountChar"), a kind
 * (scalar, aggregate or table), argument and result types, and the callbacks
 * that implement it. SQL scripts register a function under a name with Flink's
 * own statement:
 *
 *     CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar';
 *
 * and Tiangong finds the identifier among the plugins it has loaded (the
 * setting 'tiangong.udf.plugins', or CREATE FUNCTION ... USING JAR 'x.so').
 *
 * The header is plain C99 (it compiles as C and as C++). No C++ type, no
 * exception and no allocation crosses the boundary; see examples/udf/ for a
 * complete plugin and examples/udf/README.md for a walk-through.
 *
 * Calling convention: vectorized. A scalar function is called once per batch
 * of rows with one column per argument and fills one result column. An
 * aggregate function updates many accumulators per call. A table function is
 * called once per batch of input rows and emits its output rows one by one
 * through a host callback.
 *
 * Memory ownership, in one list:
 *   - Everything a plugin describes (the tiangong_udf_plugin, its functions,
 *     identifiers, type arrays, field names) is static: it must stay valid and
 *     unchanged for as long as the library is loaded. The host unloads a
 *     library only after the last query using it has ended.
 *   - Argument columns belong to the host and are valid, read-only, during the
 *     call only.
 *   - Result columns belong to the host. The plugin writes values and NULL
 *     flags. Result string bytes must live in memory from the output's
 *     allocate() callback (host memory, never freed by the plugin), or, for
 *     scalar functions, inside a string argument of the same call (zero-copy
 *     substrings). aggregate get_value() may also point into the accumulator;
 *     the host copies such bytes before the accumulator changes.
 *   - Accumulators belong to the plugin: create() or deserialize() makes one,
 *     destroy() frees it. The host never looks inside.
 *   - Rows a table function emits and bytes serialize() appends are copied by
 *     the host before the callback returns; the plugin keeps its memory.
 *   - Errors are written into a host-provided tiangong_udf_error.
 *
 * Errors: a callback that can fail returns TIANGONG_UDF_OK (0) or
 * TIANGONG_UDF_ERROR (1) after filling the error's message (and row, when one
 * row is to blame); tiangong_udf_fail() does both. The host turns it into a
 * query error naming the SQL function, its identifier and the argument values
 * of the row. Callbacks must not throw C++ exceptions or call exit().
 *
 * Threads: the host may call a plugin from many threads. A scalar or table
 * function instance (open() ... close()) is used by one thread at a time, as
 * is each accumulator; different instances and accumulators are used
 * concurrently. Plugins must not keep unsynchronized mutable global state.
 */
#ifndef TIANGONG_UDF_H_
#define TIANGONG_UDF_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes. A plugin stores it in
 * tiangong_udf_plugin.abi_version; the host refuses other versions. */
#define TIANGONG_UDF_ABI_VERSION 1

/* The symbol the host looks up with dlsym(). */
#define TIANGONG_UDF_ENTRY_POINT "tiangong_udf_plugin_v1"

/* Marks the entry point as exported even when the plugin is built with
 * -fvisibility=hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define TIANGONG_UDF_EXPORT __attribute__((visibility("default")))
#else
#define TIANGONG_UDF_EXPORT
#endif

/* Return codes of callbacks that can fail. */
#define TIANGONG_UDF_OK 0
#define TIANGONG_UDF_ERROR 1

/* ------------------------------------------------------------------------- */
/* Types                                                                     */
/* ------------------------------------------------------------------------- */

/* The SQL types a plugin function may take and return, and the C type each
 * value has in a column. Other SQL types are cast implicitly where Flink
 * allows it (TINYINT and SMALLINT to INT, INT to BIGINT, CHAR/VARCHAR(n) to
 * STRING, DATE to TIMESTAMP, ...); anything else is a type error when the
 * query is planned. */
enum {
  TIANGONG_UDF_TYPE_BOOLEAN = 1,   /* uint8_t, 0 or 1 */
  TIANGONG_UDF_TYPE_INT = 2,       /* int32_t */
  TIANGONG_UDF_TYPE_BIGINT = 3,    /* int64_t */
  TIANGONG_UDF_TYPE_DOUBLE = 4,    /* double */
  TIANGONG_UDF_TYPE_STRING = 5,    /* tiangong_udf_string, UTF-8 */
  TIANGONG_UDF_TYPE_BYTES = 6,     /* tiangong_udf_string, any bytes */
  TIANGONG_UDF_TYPE_DECIMAL = 7,   /* tiangong_udf_decimal: the unscaled value */
  TIANGONG_UDF_TYPE_DATE = 8,      /* int32_t days since 1970-01-01 */
  TIANGONG_UDF_TYPE_TIMESTAMP = 9, /* int64_t microseconds since 1970-01-01 00:00:00, no zone */
};

/* A SQL type. */
typedef struct tiangong_udf_type {
  int32_t id;        /* TIANGONG_UDF_TYPE_* */
  int32_t precision; /* DECIMAL: 1..38 digits; TIMESTAMP: 0..6 fractional digits; else 0 */
  int32_t scale;     /* DECIMAL: 0..precision; else 0 */
  int32_t not_null;  /* results only: 1 when the function never returns NULL */
} tiangong_udf_type;

/* A named field of a table function's result rows. */
typedef struct tiangong_udf_field {
  const char* name;
  tiangong_udf_type type;
} tiangong_udf_field;

/* A STRING or BYTES value: `size` bytes at `data` (not NUL-terminated). */
typedef struct tiangong_udf_string {
  const char* data;
  int64_t size;
} tiangong_udf_string;

/* A DECIMAL(p, s) value: the 128-bit two's complement unscaled value
 * (123.45 in DECIMAL(5, 2) is 12345), as two 64-bit halves. */
typedef struct tiangong_udf_decimal {
  uint64_t low;
  int64_t high;
} tiangong_udf_decimal;

/* One value of any supported type, for table function rows. */
typedef struct tiangong_udf_value {
  int32_t is_null; /* 1 for NULL; `as` is then ignored */
  union {
    uint8_t boolean;              /* BOOLEAN */
    int32_t int32;                /* INT, DATE */
    int64_t int64;                /* BIGINT, TIMESTAMP */
    double float64;               /* DOUBLE */
    tiangong_udf_string string;   /* STRING, BYTES */
    tiangong_udf_decimal decimal; /* DECIMAL */
  } as;
} tiangong_udf_value;

/* ------------------------------------------------------------------------- */
/* Columns and errors                                                        */
/* ------------------------------------------------------------------------- */

/* An argument column: one value per row, of the argument's C type. */
typedef struct tiangong_udf_column {
  /* The values. At NULL rows the value is unspecified (strings are empty). */
  const void* values;
  /* One flag per row, 1 for NULL; a NULL pointer when no row is NULL. */
  const uint8_t* nulls;
} tiangong_udf_column;

/* A result column the plugin fills. */
typedef struct tiangong_udf_output {
  /* One uninitialized slot per row, of the result's C type. */
  void* values;
  /* One flag per row, all 0 on entry; set 1 for a NULL result. */
  uint8_t* nulls;
  /* Returns `size` writable bytes of host memory for result strings, valid
   * until the host has taken the result; the plugin never frees it. Ask once
   * for a whole batch when the total is known, or once per row: both are
   * cheap (an arena). Returns NULL when `size` is negative or too large
   * (more than 256 MiB); the function should then fail. */
  char* (*allocate)(struct tiangong_udf_output* output, int64_t size);
  void* host; /* for allocate(); do not touch */
} tiangong_udf_output;

/* Where a failing callback explains itself; provided by the host. */
typedef struct tiangong_udf_error {
  /* The row to blame (an index into the argument columns), or -1 (the host's
   * initial value) when no single row is. */
  int64_t row;
  /* A NUL-terminated message for the user; the host sets it to "". */
  char message[1024];
} tiangong_udf_error;

/* Fills `error` (row and a printf-style message) and returns
 * TIANGONG_UDF_ERROR, so a callback can `return tiangong_udf_fail(...)`. */
static inline int32_t tiangong_udf_fail(tiangong_udf_error* error, int64_t row, const char* format,
                                        ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static inline int32_t tiangong_udf_fail(tiangong_udf_error* error, int64_t row, const char* format,
                                        ...) {
  va_list args;
  error->row = row;
  va_start(args, format);
  vsnprintf(error->message, sizeof(error->message), format, args);
  va_end(args);
  return TIANGONG_UDF_ERROR;
}

/* ------------------------------------------------------------------------- */
/* Scalar functions                                                          */
/* ------------------------------------------------------------------------- */

/* One call of a scalar function: compute `num_rows` results. NULL arguments
 * are passed through; the function decides what a NULL argument gives (most
 * return NULL). */
typedef struct tiangong_udf_scalar_call {
  int64_t num_rows;
  int32_t num_args;
  const tiangong_udf_column* args; /* num_args columns of num_rows rows */
  tiangong_udf_output* result;     /* num_rows slots */
  void* instance;                  /* what open() made, or NULL without open() */
  tiangong_udf_error* error;
} tiangong_udf_scalar_call;

/* ------------------------------------------------------------------------- */
/* Aggregate functions                                                       */
/* ------------------------------------------------------------------------- */

/* A batch of rows to add to (or retract from) accumulators: for each
 * i < count, row rows[i] of the argument columns goes to accumulators[i].
 * Apply them in order; an accumulator may appear several times. */
typedef struct tiangong_udf_aggregate_batch {
  int64_t count;
  void* const* accumulators;
  const uint32_t* rows;
  int32_t num_args;
  const tiangong_udf_column* args; /* indexed by rows[i] */
  tiangong_udf_error* error;       /* set row to rows[i] of the failing entry */
} tiangong_udf_aggregate_batch;

/* Receives the bytes of a serialized accumulator. */
typedef struct tiangong_udf_buffer {
  /* Copies `size` bytes to the end of the buffer. */
  void (*append)(struct tiangong_udf_buffer* buffer, const void* data, int64_t size);
  void* host; /* for append(); do not touch */
} tiangong_udf_buffer;

/* ------------------------------------------------------------------------- */
/* Table functions                                                           */
/* ------------------------------------------------------------------------- */

/* One call of a table function over `num_rows` input rows. For each input row,
 * in order, the function emits zero or more output rows. */
typedef struct tiangong_udf_table_call {
  int64_t num_rows;
  int32_t num_args;
  const tiangong_udf_column* args;
  /* Emits one output row for input row `input_row`: `fields` holds one value
   * per result field. The host copies the values before returning. Returns
   * TIANGONG_UDF_OK, or TIANGONG_UDF_ERROR when the host refuses the row (the
   * host has recorded why; the function should return TIANGONG_UDF_ERROR). */
  int32_t (*emit)(const struct tiangong_udf_table_call* call, int64_t input_row,
                  const tiangong_udf_value* fields);
  void* host; /* for emit(); do not touch */
  void* instance;
  tiangong_udf_error* error;
} tiangong_udf_table_call;

/* ------------------------------------------------------------------------- */
/* Function descriptions                                                     */
/* ------------------------------------------------------------------------- */

enum {
  TIANGONG_UDF_SCALAR = 1,
  TIANGONG_UDF_AGGREGATE = 2,
  TIANGONG_UDF_TABLE = 3,
};

/* Flags; 0 is a deterministic function with exactly num_args arguments. */
enum {
  /* The result may differ for equal arguments (random, clock): never folded
   * into a constant when the query is planned. */
  TIANGONG_UDF_NONDETERMINISTIC = 1,
  /* The last declared argument type repeats zero or more times (scalar and
   * table functions). */
  TIANGONG_UDF_VARIADIC = 2,
};

/* One function of a plugin. Members that do not apply to the function's kind
 * stay NULL / 0. */
typedef struct tiangong_udf_function {
  /* Unique among the loaded plugins, compared exactly: usually the Java class
   * name of the same function on Flink. */
  const char* identifier;
  int32_t kind;  /* TIANGONG_UDF_SCALAR, _AGGREGATE or _TABLE */
  int32_t flags; /* TIANGONG_UDF_NONDETERMINISTIC | TIANGONG_UDF_VARIADIC */
  int32_t num_args;
  const tiangong_udf_type* arg_types;
  /* Scalar and aggregate functions: the result type. */
  tiangong_udf_type result_type;
  /* Table functions: the fields of each output row (at least one). */
  int32_t num_result_fields;
  const tiangong_udf_field* result_fields;

  /* Scalar and table functions, optional: per-thread state. The host calls
   * open() once per query thread before the first call and close() after the
   * last one, and passes *instance to each call. */
  int32_t (*open)(void** instance, tiangong_udf_error* error);
  void (*close)(void* instance);

  /* Scalar functions, required: fill call->result for every row. */
  int32_t (*eval)(const tiangong_udf_scalar_call* call);

  /* Table functions, required: emit the rows of every input row. */
  int32_t (*eval_table)(const tiangong_udf_table_call* call);

  /* Aggregate functions. Required: create, destroy, accumulate, get_value,
   * serialize, deserialize. Optional: retract (without it the function cannot
   * take an updating input, e.g. the result of another GROUP BY) and merge
   * (needed by session windows). */
  void* (*create)(void); /* a new, empty accumulator; NULL only when out of memory */
  void (*destroy)(void* accumulator);
  int32_t (*accumulate)(const tiangong_udf_aggregate_batch* batch);
  int32_t (*retract)(const tiangong_udf_aggregate_batch* batch);
  int32_t (*merge)(void* target, const void* source, tiangong_udf_error* error);
  /* Writes the current result into output slot 0 (or sets nulls[0]); must not
   * fail. */
  void (*get_value)(const void* accumulator, tiangong_udf_output* output);
  /* Appends the accumulator's state; deserialize() must rebuild it from
   * exactly these bytes (also in a later process: checkpoints). */
  void (*serialize)(const void* accumulator, tiangong_udf_buffer* out);
  int32_t (*deserialize)(const char* data, int64_t size, void** accumulator,
                         tiangong_udf_error* error);
} tiangong_udf_function;

/* What the entry point returns. */
typedef struct tiangong_udf_plugin {
  int32_t abi_version; /* TIANGONG_UDF_ABI_VERSION */
  const char* name;    /* for messages, e.g. "tiangong-example-udf" */
  int32_t num_functions;
  const tiangong_udf_function* functions;
} tiangong_udf_plugin;

/* The entry point's type: `const tiangong_udf_plugin* tiangong_udf_plugin_v1(void)`,
 * declared TIANGONG_UDF_EXPORT (and extern "C" in C++). It is called once per
 * load and must return the same static description every time. */
typedef const tiangong_udf_plugin* (*tiangong_udf_entry_point)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TIANGONG_UDF_H_ */
