#include "functions/vector_loops.h"

namespace tiangong {

void PropagateNulls(std::initializer_list<const Vector*> inputs, size_t num_rows, Vector* out) {
  for (const Vector* input : inputs) {
    if (!input->may_have_nulls()) continue;
    uint8_t* nulls = out->mutable_nulls();
    if (input->is_constant()) {
      if (input->IsNull(0)) std::memset(nulls, 1, num_rows);
      continue;
    }
    const uint8_t* input_nulls = input->nulls();
    for (size_t i = 0; i < num_rows; ++i) nulls[i] |= input_nulls[i];
  }
}

}  // namespace tiangong
