#pragma once
// keras.callbacks: hooks into fit(), the History it returns, EarlyStopping, ModelCheckpoint.
#include "bottleneck/training/callbacks/callback.hpp"
#include "bottleneck/training/callbacks/early_stopping.hpp"
#include "bottleneck/training/callbacks/history.hpp"
#include "bottleneck/training/callbacks/model_checkpoint.hpp"
