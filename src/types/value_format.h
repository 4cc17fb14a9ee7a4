#pragma once

#include <string>

#include "types/batch.h"
#include "types/time_zone.h"
#include "types/vector.h"

namespace tiangong {

/// Text forms of values.
///
/// Print form: how Flink's `print` connector and Row.toString() show a row,
/// i.e. Java's toString of the external value: "+I[1, 2020-04-15T08:05, null]",
/// doubles as "1.0E7", maps as "{a=1}", nested rows as "+I[...]", bytes as
/// "[1, -2]".
///
/// SQL form: the result of CAST(value AS STRING): "TRUE", "2020-04-15 08:05:00.000",
/// rows as "(1, a)". TIMESTAMP_LTZ is shown in `zone`.

/// Appends the print form of row `row` of `vector`.
void AppendPrintForm(const Vector& vector, size_t row, std::string* out);
/// "+I[v1, v2, ...]" for row `row` of `batch`.
std::string FormatPrintRow(const Batch& batch, size_t row);

/// Appends CAST(value AS STRING) of a non-NULL value.
void AppendSqlForm(const Vector& vector, size_t row, const TimeZone& zone, std::string* out);

/// Java's Double.toString / Float.toString: shortest digits that round-trip,
/// plain between 1e-3 and 1e7, otherwise "d.dddE±n".
std::string FormatJavaDouble(double value);
std::string FormatJavaFloat(float value);

}  // namespace tiangong
