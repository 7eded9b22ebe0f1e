// The seed's third program: a small classifier trained on saved bottleneck features.
//
//   train_data = np.load('bottleneck_features_train.npy')
//   train_labels = np.array([0] * (nb_train_samples // 2) + [1] * (nb_train_samples // 2))
//   validation_data = np.load('bottleneck_features_validation.npy')
//   validation_labels = np.array([0] * (nb_validation_samples // 2) + [1] * (nb_validation_samples // 2))
//
//   model = Sequential()
//   model.add(Flatten(input_shape=train_data.shape[1:]))
//   model.add(Dense(256, activation='relu'))
//   model.add(Dropout(0.5))
//   model.add(Dense(1, activation='sigmoid'))
//   model.compile(optimizer='adadelta', loss='binary_crossentropy', metrics=['accuracy'])
//   model.fit(train_data, train_labels, epochs=10, batch_size=32,
//             validation_data=(validation_data, validation_labels))
//   model.save_weights('bottleneck_fc_model.h5')
//
// Usage: example_train_head [TRAIN.npy VALIDATION.npy [TRAIN_LABELS.npy VALIDATION_LABELS.npy]]
//        [--weights OUT.h5]; without label files the labels are the seed's (first half class 0).
#include <cstdio>
#include <cstring>
#include <vector>

#include <bottleneck/bottleneck.hpp>

using namespace bottleneck;

// The seed's labels: the first half of the samples are class 0, the second half class 1.
Tensor half_and_half(int64_t samples) {
  Tensor labels({samples});
  for (int64_t i = samples / 2; i < samples; ++i) labels[i] = 1.0f;
  return labels;
}

int main(int argc, char** argv) {
  std::vector<std::string> files;
  std::string weights_path = "bottleneck_fc_model.h5";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--weights") == 0 && i + 1 < argc)
      weights_path = argv[++i];
    else
      files.push_back(argv[i]);
  }
  try {
    Tensor train_data = load_npy(files.size() > 0 ? files[0] : "bottleneck_features_train.npy");
    Tensor validation_data = load_npy(files.size() > 1 ? files[1] : "bottleneck_features_validation.npy");
    Tensor train_labels = files.size() > 2 ? load_npy(files[2]) : half_and_half(train_data.dim(0));
    Tensor validation_labels = files.size() > 3 ? load_npy(files[3]) : half_and_half(validation_data.dim(0));

    Sequential model;
    model.add(Input(Shape(train_data.shape().begin() + 1, train_data.shape().end())));  // input_shape=...
    model.add(Flatten());
    model.add(Dense(256, "relu"));
    model.add(Dropout(0.5));
    model.add(Dense(1, "sigmoid"));

    model.compile("adadelta", "binary_crossentropy", {"accuracy"});
    model.fit(train_data, train_labels,
              {.epochs = 10, .batch_size = 32, .validation_data = ValidationData{validation_data, validation_labels}});
    model.save_weights(weights_path);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
