// Fine-tuning, the technique the seed names next (the Keras blog's third script): VGG16's
// convolutional base with the trained head on top, everything up to block 4 frozen, block 5
// and the head trained together with SGD at a small learning rate.
//
//   base_model = applications.VGG16(weights='imagenet', include_top=False, input_shape=(150, 150, 3))
//   top_model = Sequential()
//   top_model.add(Flatten(input_shape=base_model.output_shape[1:]))
//   top_model.add(Dense(256, activation='relu'))
//   top_model.add(Dropout(0.5))
//   top_model.add(Dense(1, activation='sigmoid'))
//   top_model.load_weights(top_model_weights_path)
//   model = Model(inputs=base_model.input, outputs=top_model(base_model.output))
//   for layer in model.layers[:15]:
//       layer.trainable = False
//   model.compile(loss='binary_crossentropy', optimizer=optimizers.SGD(lr=1e-4, momentum=0.9),
//                 metrics=['accuracy'])
//   model.fit_generator(train_generator, epochs=epochs, validation_data=validation_generator)
//
// Without augmentation, fine_tune computes the frozen blocks once per image and trains
// block 5 and the head from that cache.
//
// Usage: example_fine_tune TRAIN_DIR VAL_DIR [WEIGHTS=imagenet] [HEAD_WEIGHTS.h5] [SIZE=150] [EPOCHS=5]
#include <cstdio>

#include <bottleneck/bottleneck.hpp>

using namespace bottleneck;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: example_fine_tune TRAIN_DIR VAL_DIR [WEIGHTS] [HEAD_WEIGHTS.h5] [SIZE] [EPOCHS]\n");
    return 2;
  }
  const std::string weights = argc > 3 ? argv[3] : "imagenet";
  const std::string head_weights = argc > 4 ? argv[4] : "";
  const int size = argc > 5 ? std::stoi(argv[5]) : 150;
  const int epochs = argc > 6 ? std::stoi(argv[6]) : 5;
  try {
    auto base_model = VGG16({.weights = weights, .include_top = false, .input_shape = Shape{size, size, 3}});
    Sequential top_model;
    top_model.add(Input(base_model->output_shape()));
    top_model.add(Flatten());
    top_model.add(Dense(256, "relu"));
    top_model.add(Dropout(0.5));
    top_model.add(Dense(1, "sigmoid"));
    if (!head_weights.empty()) top_model.load_weights(head_weights);
    Model model(base_model->input(), top_model(base_model->output()));
    model.compile(SGD({.lr = 1e-4, .momentum = 0.9}), "binary_crossentropy", {"accuracy"});

    ImageDataGenerator datagen({.rescale = 1.0f / 255});
    FlowOptions flow{.target_size = {size, size}, .class_mode = ClassMode::binary, .batch_size = 16, .shuffle = false};
    DirectoryIterator train_generator = datagen.flow_from_directory(argv[1], flow);
    DirectoryIterator validation_generator = datagen.flow_from_directory(argv[2], flow);
    // model.layers[:15] are input_1 .. block4_pool: block5_conv1 is the first to train.
    fine_tune(model, "block5_conv1", train_generator, &validation_generator,
              {.fit = {.epochs = epochs, .batch_size = 16}, .log = [](const std::string& line) { std::printf("%s\n", line.c_str()); }});
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
