#pragma once
// keras.Model, keras.Sequential and keras.models.load_model in one include.
#include "bottleneck/models/model.hpp"
#include "bottleneck/models/sequential.hpp"
#include "bottleneck/saving.hpp"
