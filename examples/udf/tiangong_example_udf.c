/*
 * An example Tiangong UDF plugin, in plain C against include/tiangong/udf.h.
 *
 *   com.github.nexmark.flink.udf.CountChar  scalar     (STRING, STRING) -> BIGINT NOT NULL
 *   com.example.udf.Mask                    scalar     (STRING, INT) -> STRING
 *   com.example.udf.WeightedAvg             aggregate  (DOUBLE, BIGINT) -> DOUBLE
 *   com.example.udf.CollectDistinct         aggregate  (STRING) -> STRING
 *   com.example.udf.SplitToRows             table      (STRING, STRING) -> ROW<word STRING, pos
 * INT>
 *
 * See README.md in this folder for how to build it and use it from SQL.
 */
#include <stdlib.h>
#include <string.h>

#include "tiangong/udf.h"

/* ------------------------------------------------------------------------- */
/* CountChar: how often the first character of `c` occurs in `s`.           */
/* Like the nexmark benchmark's Java function it never returns NULL: a NULL  */
/* or empty argument counts 0.                                               */
/* ------------------------------------------------------------------------- */

static int64_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

static int is_null(const tiangong_udf_column* column, int64_t row) {
  return column->nulls != NULL && column->nulls[row] != 0;
}

static int64_t count_occurrences(tiangong_udf_string text, tiangong_udf_string character) {
  if (character.size == 0) return 0;
  int64_t needle = utf8_sequence_length((unsigned char)character.data[0]);
  if (needle > character.size) needle = character.size;
  int64_t count = 0;
  if (needle == 1) {
    /* ASCII, the common case: a loop the compiler vectorizes. */
    const char c = character.data[0];
    for (int64_t i = 0; i < text.size; ++i) count += text.data[i] == c;
    return count;
  }
  int64_t i = 0;
  while (i + needle <= text.size) {
    if (text.data[i] == character.data[0] &&
        memcmp(text.data + i, character.data, (size_t)needle) == 0) {
      ++count;
      i += needle;
    } else {
      ++i;
    }
  }
  return count;
}

static int32_t count_char_eval(const tiangong_udf_scalar_call* call) {
  const tiangong_udf_column* text = &call->args[0];
  const tiangong_udf_column* character = &call->args[1];
  const tiangong_udf_string* texts = (const tiangong_udf_string*)text->values;
  const tiangong_udf_string* characters = (const tiangong_udf_string*)character->values;
  int64_t* out = (int64_t*)call->result->values;
  for (int64_t row = 0; row < call->num_rows; ++row) {
    if (is_null(text, row) || is_null(character, row)) {
      out[row] = 0;
    } else {
      out[row] = count_occurrences(texts[row], characters[row]);
    }
  }
  return TIANGONG_UDF_OK;
}

/* ------------------------------------------------------------------------- */
/* Mask: replaces all but the last `keep` characters of `s` with '*'.        */
/* mask('4111111111111111', 4) = '************1111'. NULL in, NULL out; a    */
/* negative `keep` is an error.                                              */
/* ------------------------------------------------------------------------- */

static int32_t mask_eval(const tiangong_udf_scalar_call* call) {
  const tiangong_udf_column* text = &call->args[0];
  const tiangong_udf_column* keep = &call->args[1];
  const tiangong_udf_string* texts = (const tiangong_udf_string*)text->values;
  const int32_t* keeps = (const int32_t*)keep->values;
  tiangong_udf_string* out = (tiangong_udf_string*)call->result->values;

  /* A masked character becomes one byte, so the results never need more bytes
   * than the inputs: one allocation for the whole batch. */
  int64_t total = 0;
  for (int64_t row = 0; row < call->num_rows; ++row) {
    if (!is_null(text, row)) total += texts[row].size;
  }
  char* buffer = call->result->allocate(call->result, total);
  if (buffer == NULL) return tiangong_udf_fail(call->error, -1, "strings too large to mask");

  for (int64_t row = 0; row < call->num_rows; ++row) {
    if (is_null(text, row) || is_null(keep, row)) {
      call->result->nulls[row] = 1;
      continue;
    }
    if (keeps[row] < 0) {
      return tiangong_udf_fail(call->error, row,
                               "the number of characters to keep must not be "
                               "negative, but is %d",
                               (int)keeps[row]);
    }
    tiangong_udf_string s = texts[row];
    int64_t characters = 0;
    for (int64_t i = 0; i < s.size; ++i) characters += ((unsigned char)s.data[i] & 0xC0) != 0x80;
    int64_t masked = characters > keeps[row] ? characters - keeps[row] : 0;
    /* Skip the bytes of the first `masked` characters. */
    int64_t offset = 0;
    for (int64_t c = 0; c < masked && offset < s.size; ++c) {
      offset += utf8_sequence_length((unsigned char)s.data[offset]);
      if (offset > s.size) offset = s.size;
    }
    char* start = buffer;
    memset(buffer, '*', (size_t)masked);
    buffer += masked;
    memcpy(buffer, s.data + offset, (size_t)(s.size - offset));
    buffer += s.size - offset;
    out[row].data = start;
    out[row].size = buffer - start;
  }
  return TIANGONG_UDF_OK;
}

/* ------------------------------------------------------------------------- */
/* WeightedAvg: sum(value * weight) / sum(weight), NULL when the weights sum */
/* to 0. Rows with a NULL value or weight are ignored. Retracts and merges.  */
/* ------------------------------------------------------------------------- */

typedef struct weighted_avg {
  double sum;
  int64_t weight;
} weighted_avg;

static void* weighted_avg_create(void) { return calloc(1, sizeof(weighted_avg)); }

static void weighted_avg_destroy(void* accumulator) { free(accumulator); }

static int32_t weighted_avg_update(const tiangong_udf_aggregate_batch* batch, int sign) {
  const tiangong_udf_column* value = &batch->args[0];
  const tiangong_udf_column* weight = &batch->args[1];
  const double* values = (const double*)value->values;
  const int64_t* weights = (const int64_t*)weight->values;
  for (int64_t i = 0; i < batch->count; ++i) {
    uint32_t row = batch->rows[i];
    if (is_null(value, row) || is_null(weight, row)) continue;
    weighted_avg* average = (weighted_avg*)batch->accumulators[i];
    average->sum += sign * values[row] * (double)weights[row];
    average->weight += sign * weights[row];
  }
  return TIANGONG_UDF_OK;
}

static int32_t weighted_avg_accumulate(const tiangong_udf_aggregate_batch* batch) {
  return weighted_avg_update(batch, 1);
}

static int32_t weighted_avg_retract(const tiangong_udf_aggregate_batch* batch) {
  return weighted_avg_update(batch, -1);
}

static int32_t weighted_avg_merge(void* target, const void* source, tiangong_udf_error* error) {
  (void)error; /* merging sums cannot fail */
  weighted_avg* into = (weighted_avg*)target;
  const weighted_avg* from = (const weighted_avg*)source;
  into->sum += from->sum;
  into->weight += from->weight;
  return TIANGONG_UDF_OK;
}

static void weighted_avg_get_value(const void* accumulator, tiangong_udf_output* output) {
  const weighted_avg* average = (const weighted_avg*)accumulator;
  if (average->weight == 0) {
    output->nulls[0] = 1;
  } else {
    ((double*)output->values)[0] = average->sum / (double)average->weight;
  }
}

static void weighted_avg_serialize(const void* accumulator, tiangong_udf_buffer* out) {
  out->append(out, accumulator, sizeof(weighted_avg));
}

static int32_t weighted_avg_deserialize(const char* data, int64_t size, void** accumulator,
                                        tiangong_udf_error* error) {
  if (size != (int64_t)sizeof(weighted_avg)) {
    return tiangong_udf_fail(error, -1, "expected %d bytes of state, got %lld",
                             (int)sizeof(weighted_avg), (long long)size);
  }
  weighted_avg* average = (weighted_avg*)malloc(sizeof(weighted_avg));
  if (average == NULL) return tiangong_udf_fail(error, -1, "out of memory");
  memcpy(average, data, sizeof(weighted_avg));
  *accumulator = average;
  return TIANGONG_UDF_OK;
}

/* ------------------------------------------------------------------------- */
/* CollectDistinct: the distinct non-NULL strings of the group, sorted and   */
/* joined with ','; NULL for an empty group. Each string is counted so that  */
/* retraction removes it only when its last row goes.                        */
/* ------------------------------------------------------------------------- */

typedef struct distinct_entry {
  char* text;
  int64_t size;
  int64_t count;
} distinct_entry;

typedef struct distinct_set {
  distinct_entry* entries; /* sorted by text */
  int64_t size;
  int64_t capacity;
} distinct_set;

static void* distinct_create(void) { return calloc(1, sizeof(distinct_set)); }

static void distinct_destroy(void* accumulator) {
  distinct_set* set = (distinct_set*)accumulator;
  for (int64_t i = 0; i < set->size; ++i) free(set->entries[i].text);
  free(set->entries);
  free(set);
}

static int compare_text(const char* a, int64_t a_size, const char* b, int64_t b_size) {
  int64_t common = a_size < b_size ? a_size : b_size;
  int order = common > 0 ? memcmp(a, b, (size_t)common) : 0;
  if (order != 0) return order;
  return a_size < b_size ? -1 : (a_size > b_size ? 1 : 0);
}

/* The position of `text` in the set, or where it would go (*found = 0). */
static int64_t distinct_find(const distinct_set* set, const char* text, int64_t size, int* found) {
  int64_t low = 0;
  int64_t high = set->size;
  while (low < high) {
    int64_t middle = low + (high - low) / 2;
    int order = compare_text(set->entries[middle].text, set->entries[middle].size, text, size);
    if (order == 0) {
      *found = 1;
      return middle;
    }
    if (order < 0) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  *found = 0;
  return low;
}

/* Adds `count` occurrences of `text`; a negative count removes them. */
static int distinct_add(distinct_set* set, const char* text, int64_t size, int64_t count) {
  int found;
  int64_t position = distinct_find(set, text, size, &found);
  if (found) {
    set->entries[position].count += count;
    if (set->entries[position].count <= 0) {
      free(set->entries[position].text);
      memmove(&set->entries[position], &set->entries[position + 1],
              (size_t)(set->size - position - 1) * sizeof(distinct_entry));
      --set->size;
    }
    return 1;
  }
  if (count <= 0) return 1; /* retracting something never added */
  if (set->size == set->capacity) {
    int64_t capacity = set->capacity == 0 ? 4 : set->capacity * 2;
    distinct_entry* entries =
        (distinct_entry*)realloc(set->entries, (size_t)capacity * sizeof(distinct_entry));
    if (entries == NULL) return 0;
    set->entries = entries;
    set->capacity = capacity;
  }
  char* copy = (char*)malloc(size > 0 ? (size_t)size : 1);
  if (copy == NULL) return 0;
  if (size > 0) memcpy(copy, text, (size_t)size);
  memmove(&set->entries[position + 1], &set->entries[position],
          (size_t)(set->size - position) * sizeof(distinct_entry));
  set->entries[position].text = copy;
  set->entries[position].size = size;
  set->entries[position].count = count;
  ++set->size;
  return 1;
}

static int32_t distinct_update(const tiangong_udf_aggregate_batch* batch, int64_t sign) {
  const tiangong_udf_column* value = &batch->args[0];
  const tiangong_udf_string* texts = (const tiangong_udf_string*)value->values;
  for (int64_t i = 0; i < batch->count; ++i) {
    uint32_t row = batch->rows[i];
    if (is_null(value, row)) continue;
    if (!distinct_add((distinct_set*)batch->accumulators[i], texts[row].data, texts[row].size,
                      sign)) {
      return tiangong_udf_fail(batch->error, row, "out of memory");
    }
  }
  return TIANGONG_UDF_OK;
}

static int32_t distinct_accumulate(const tiangong_udf_aggregate_batch* batch) {
  return distinct_update(batch, 1);
}

static int32_t distinct_retract(const tiangong_udf_aggregate_batch* batch) {
  return distinct_update(batch, -1);
}

static int32_t distinct_merge(void* target, const void* source, tiangong_udf_error* error) {
  const distinct_set* from = (const distinct_set*)source;
  for (int64_t i = 0; i < from->size; ++i) {
    const distinct_entry* entry = &from->entries[i];
    if (!distinct_add((distinct_set*)target, entry->text, entry->size, entry->count)) {
      return tiangong_udf_fail(error, -1, "out of memory");
    }
  }
  return TIANGONG_UDF_OK;
}

static void distinct_get_value(const void* accumulator, tiangong_udf_output* output) {
  const distinct_set* set = (const distinct_set*)accumulator;
  if (set->size == 0) {
    output->nulls[0] = 1;
    return;
  }
  int64_t total = set->size - 1;
  for (int64_t i = 0; i < set->size; ++i) total += set->entries[i].size;
  char* buffer = output->allocate(output, total);
  if (buffer == NULL) {
    output->nulls[0] = 1;
    return;
  }
  char* cursor = buffer;
  for (int64_t i = 0; i < set->size; ++i) {
    if (i > 0) *cursor++ = ',';
    memcpy(cursor, set->entries[i].text, (size_t)set->entries[i].size);
    cursor += set->entries[i].size;
  }
  tiangong_udf_string* result = (tiangong_udf_string*)output->values;
  result->data = buffer;
  result->size = total;
}

/* State: the number of entries, then per entry its size, count and bytes. */
static void distinct_serialize(const void* accumulator, tiangong_udf_buffer* out) {
  const distinct_set* set = (const distinct_set*)accumulator;
  out->append(out, &set->size, sizeof(set->size));
  for (int64_t i = 0; i < set->size; ++i) {
    out->append(out, &set->entries[i].size, sizeof(int64_t));
    out->append(out, &set->entries[i].count, sizeof(int64_t));
    out->append(out, set->entries[i].text, set->entries[i].size);
  }
}

static int32_t distinct_deserialize(const char* data, int64_t size, void** accumulator,
                                    tiangong_udf_error* error) {
  distinct_set* set = (distinct_set*)distinct_create();
  if (set == NULL) return tiangong_udf_fail(error, -1, "out of memory");
  int64_t entries = 0;
  int64_t offset = (int64_t)sizeof(int64_t);
  if (size < offset) goto corrupt;
  memcpy(&entries, data, sizeof(int64_t));
  for (int64_t i = 0; i < entries; ++i) {
    int64_t text_size;
    int64_t count;
    if (size - offset < 2 * (int64_t)sizeof(int64_t)) goto corrupt;
    memcpy(&text_size, data + offset, sizeof(int64_t));
    memcpy(&count, data + offset + sizeof(int64_t), sizeof(int64_t));
    offset += 2 * (int64_t)sizeof(int64_t);
    if (text_size < 0 || size - offset < text_size) goto corrupt;
    if (!distinct_add(set, data + offset, text_size, count)) {
      distinct_destroy(set);
      return tiangong_udf_fail(error, -1, "out of memory");
    }
    offset += text_size;
  }
  *accumulator = set;
  return TIANGONG_UDF_OK;
corrupt:
  distinct_destroy(set);
  return tiangong_udf_fail(error, -1, "corrupt state (%lld bytes)", (long long)size);
}

/* ------------------------------------------------------------------------- */
/* SplitToRows: one row (word, position) per piece of `s` split at `sep`.    */
/* split_to_rows('a,b', ',') gives (a, 1) and (b, 2). A NULL string gives no */
/* rows; an empty or NULL separator is an error.                             */
/* ------------------------------------------------------------------------- */

static int32_t split_to_rows_eval(const tiangong_udf_table_call* call) {
  const tiangong_udf_column* text = &call->args[0];
  const tiangong_udf_column* separator = &call->args[1];
  const tiangong_udf_string* texts = (const tiangong_udf_string*)text->values;
  const tiangong_udf_string* separators = (const tiangong_udf_string*)separator->values;
  tiangong_udf_value fields[2];
  for (int64_t row = 0; row < call->num_rows; ++row) {
    if (is_null(text, row)) continue;
    if (is_null(separator, row) || separators[row].size == 0) {
      return tiangong_udf_fail(call->error, row, "the separator must not be NULL or empty");
    }
    tiangong_udf_string s = texts[row];
    tiangong_udf_string sep = separators[row];
    int64_t start = 0;
    int32_t position = 1;
    for (;;) {
      int64_t end = start;
      while (end + sep.size <= s.size && memcmp(s.data + end, sep.data, (size_t)sep.size) != 0) {
        ++end;
      }
      if (end + sep.size > s.size) end = s.size;
      fields[0].is_null = 0;
      fields[0].as.string.data = s.data + start;
      fields[0].as.string.size = end - start;
      fields[1].is_null = 0;
      fields[1].as.int32 = position++;
      if (call->emit(call, row, fields) != TIANGONG_UDF_OK) return TIANGONG_UDF_ERROR;
      if (end == s.size) break;
      start = end + sep.size;
    }
  }
  return TIANGONG_UDF_OK;
}

/* ------------------------------------------------------------------------- */
/* The plugin                                                                */
/* ------------------------------------------------------------------------- */

#define TYPE(id) \
  { (id), 0, 0, 0 }

static const tiangong_udf_type kTwoStrings[] = {TYPE(TIANGONG_UDF_TYPE_STRING),
                                                TYPE(TIANGONG_UDF_TYPE_STRING)};
static const tiangong_udf_type kStringAndInt[] = {TYPE(TIANGONG_UDF_TYPE_STRING),
                                                  TYPE(TIANGONG_UDF_TYPE_INT)};
static const tiangong_udf_type kDoubleAndBigint[] = {TYPE(TIANGONG_UDF_TYPE_DOUBLE),
                                                     TYPE(TIANGONG_UDF_TYPE_BIGINT)};
static const tiangong_udf_type kOneString[] = {TYPE(TIANGONG_UDF_TYPE_STRING)};
static const tiangong_udf_field kWordAndPosition[] = {
    {"word", TYPE(TIANGONG_UDF_TYPE_STRING)},
    {"pos", {TIANGONG_UDF_TYPE_INT, 0, 0, 1}},
};

static const tiangong_udf_function kFunctions[] = {
    {
        .identifier = "com.github.nexmark.flink.udf.CountChar",
        .kind = TIANGONG_UDF_SCALAR,
        .num_args = 2,
        .arg_types = kTwoStrings,
        .result_type = {TIANGONG_UDF_TYPE_BIGINT, 0, 0, 1},
        .eval = count_char_eval,
    },
    {
        .identifier = "com.example.udf.Mask",
        .kind = TIANGONG_UDF_SCALAR,
        .num_args = 2,
        .arg_types = kStringAndInt,
        .result_type = TYPE(TIANGONG_UDF_TYPE_STRING),
        .eval = mask_eval,
    },
    {
        .identifier = "com.example.udf.WeightedAvg",
        .kind = TIANGONG_UDF_AGGREGATE,
        .num_args = 2,
        .arg_types = kDoubleAndBigint,
        .result_type = TYPE(TIANGONG_UDF_TYPE_DOUBLE),
        .create = weighted_avg_create,
        .destroy = weighted_avg_destroy,
        .accumulate = weighted_avg_accumulate,
        .retract = weighted_avg_retract,
        .merge = weighted_avg_merge,
        .get_value = weighted_avg_get_value,
        .serialize = weighted_avg_serialize,
        .deserialize = weighted_avg_deserialize,
    },
    {
        .identifier = "com.example.udf.CollectDistinct",
        .kind = TIANGONG_UDF_AGGREGATE,
        .num_args = 1,
        .arg_types = kOneString,
        .result_type = TYPE(TIANGONG_UDF_TYPE_STRING),
        .create = distinct_create,
        .destroy = distinct_destroy,
        .accumulate = distinct_accumulate,
        .retract = distinct_retract,
        .merge = distinct_merge,
        .get_value = distinct_get_value,
        .serialize = distinct_serialize,
        .deserialize = distinct_deserialize,
    },
    {
        .identifier = "com.example.udf.SplitToRows",
        .kind = TIANGONG_UDF_TABLE,
        .num_args = 2,
        .arg_types = kTwoStrings,
        .num_result_fields = 2,
        .result_fields = kWordAndPosition,
        .eval_table = split_to_rows_eval,
    },
};

static const tiangong_udf_plugin kPlugin = {
    TIANGONG_UDF_ABI_VERSION,
    "tiangong-example-udf",
    (int32_t)(sizeof(kFunctions) / sizeof(kFunctions[0])),
    kFunctions,
};

TIANGONG_UDF_EXPORT const tiangong_udf_plugin* tiangong_udf_plugin_v1(void) { return &kPlugin; }
