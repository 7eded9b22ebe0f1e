// The seed's first program: VGG16 without its top as a feature extractor for one image.
//
//   model = VGG16(weights='imagenet', include_top=False)
//   img = image.load_img('banana1.jpg', target_size=(224, 224))
//   x = image.img_to_array(img)
//   x = np.expand_dims(x, axis=0)
//   x = preprocess_input(x)
//   print(x.shape)
//   features = model.predict(x)
//   print(features.shape)
//
// Usage: example_vgg16_features [IMAGE=banana1.jpg] [WEIGHTS=imagenet]
#include <cstdio>

#include <bottleneck/bottleneck.hpp>

using namespace bottleneck;

int main(int argc, char** argv) {
  const std::string image_path = argc > 1 ? argv[1] : "banana1.jpg";
  const std::string weights = argc > 2 ? argv[2] : "imagenet";
  try {
    auto model = VGG16({.weights = weights, .include_top = false});
    Image img = load_img(image_path, TargetSize{224, 224});
    Tensor x = img_to_array(img);
    x = expand_dims(x, 0);
    x = preprocess_input(x);
    std::printf("%s\n", shape_to_string(x.shape()).c_str());
    Tensor features = model->predict(x);
    std::printf("%s\n", shape_to_string(features.shape()).c_str());
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
