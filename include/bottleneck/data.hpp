#pragma once
// Keras' ImageDataGenerator(...).flow_from_directory(...) (keras_preprocessing 1.1): the
// folder listing, its DirectoryIterator (with Keras' random augmentation), and a threaded
// prefetcher that streams batches in file order for bulk extraction.
#include "bottleneck/data/augmentation.hpp"
#include "bottleneck/data/batch_prefetcher.hpp"
#include "bottleneck/data/directory_iterator.hpp"
#include "bottleneck/data/directory_listing.hpp"
#include "bottleneck/data/image_data_generator.hpp"
