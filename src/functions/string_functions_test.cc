#include <gtest/gtest.h>

#include "functions/test_calls.h"
