// The seed's second program: bottleneck features of a folder tree, saved as .npy.
//
//   datagen = ImageDataGenerator(rescale=1. / 255)
//   model = applications.VGG16(include_top=False, weights='imagenet')
//   generator = datagen.flow_from_directory('data240x360/train', target_size=(240, 360),
//                                           batch_size=32, class_mode=None, shuffle=False)
//   bottleneck_features_train = model.predict_generator(generator, 864 // 32)
//   np.save('bottleneck_features_train.npy', bottleneck_features_train)
//   (the same for 'data240x360/test')
//
// predict_to_npy streams the rows to the file as they are computed, and says which file each
// row is (the seed had to assume "the first half is class 0").
//
// Usage: example_save_bottleneck_features [DATA=data240x360] [WEIGHTS=imagenet] [OUT=.]
#include <cstdio>

#include <bottleneck/bottleneck.hpp>

using namespace bottleneck;

int main(int argc, char** argv) {
  const std::string data = argc > 1 ? argv[1] : "data240x360";
  const std::string weights = argc > 2 ? argv[2] : "imagenet";
  const std::string out = argc > 3 ? argv[3] : ".";
  try {
    ImageDataGenerator datagen({.rescale = 1.0f / 255});
    auto model = VGG16({.weights = weights, .include_top = false, .input_shape = Shape{240, 360, 3}});
    for (std::string split : {"train", "test"}) {
      DirectoryIterator generator = datagen.flow_from_directory(
          data + "/" + split, {.target_size = {240, 360}, .class_mode = ClassMode::none, .batch_size = 32, .shuffle = false});
      std::printf("%s\n", generator.found_message().c_str());
      ExtractionResult result = predict_to_npy(*model, generator, out + "/bottleneck_features_" + split + ".npy");
      std::printf("bottleneck_features_%s.npy %s\n", split.c_str(), shape_to_string(result.features_shape).c_str());
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
