// Model / Sequential: graph order, naming, predict, summary, config round trips, files.
#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <filesystem>

#include "bottleneck/error.hpp"
#include "bottleneck/interrupt.hpp"
#include "bottleneck/layers.hpp"
#include "bottleneck/model.hpp"
#include "bottleneck/weights_file.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

Tensor counting(Shape shape, float scale = 0.01f) {
  Tensor t(std::move(shape));
  for (int64_t i = 0; i < t.size(); ++i) t[i] = scale * static_cast<float>(i % 97) - 0.3f;
  return t;
}

TEST(Model, NamesLayersAsTfKerasDoes) {
  clear_session();
  auto inputs = Input({2, 3, 8});
  auto x = Flatten()(inputs);
  x = Dense(16, "relu")(x);
  Model model(inputs, Dense(1, "sigmoid")(x));
  std::vector<std::string> names;
  for (const LayerPtr& layer : model.layers()) names.push_back(layer->name());
  EXPECT_EQ(names, (std::vector<std::string>{"input_1", "flatten", "dense", "dense_1"}));
  EXPECT_EQ(model.input_shape(), (Shape{2, 3, 8}));
  EXPECT_EQ(model.output_shape(), (Shape{1}));
  EXPECT_EQ(model.count_params(), 48 * 16 + 16 + 16 + 1);
  EXPECT_EQ(model.get_layer("dense_1")->class_name(), "Dense");
  EXPECT_THROW(model.get_layer("dense_7"), Error);
}

TEST(Model, PredictMatchesAHandComputedForward) {
  clear_session();
  auto inputs = Input({3, 4});
  auto flat = Flatten()(inputs);
  auto dense = Dense(5, "relu");
  auto out = Dense(2, "softmax");
  Model model(inputs, out(dense(flat)));
  Tensor x = counting({7, 3, 4});
  Tensor y = model.predict(x, /*batch_size=*/3);
  ASSERT_EQ(y.shape(), (Shape{7, 2}));
  const Tensor& w1 = dense->kernel().value;
  const Tensor& w2 = out->kernel().value;
  for (int64_t n = 0; n < 7; ++n) {
    std::vector<double> hidden(5, 0.0);
    for (int j = 0; j < 5; ++j) {
      for (int i = 0; i < 12; ++i) hidden[j] += x[n * 12 + i] * w1[i * 5 + j];
      hidden[j] = std::max(hidden[j], 0.0);
    }
    double logits[2] = {0, 0};
    for (int k = 0; k < 2; ++k)
      for (int j = 0; j < 5; ++j) logits[k] += hidden[j] * w2[j * 2 + k];
    double z = std::exp(logits[0]) + std::exp(logits[1]);
    EXPECT_NEAR(y[n * 2 + 0], std::exp(logits[0]) / z, 1e-5);
    EXPECT_NEAR(y[n * 2 + 1], std::exp(logits[1]) / z, 1e-5);
  }
}

TEST(Model, SeedMakesInitialisationReproducible) {
  clear_session();
  auto build = [](uint64_t seed) {
    auto inputs = Input({6});
    auto dense = Dense(4);
    Model model(inputs, dense(inputs), "model", seed);
    return dense->kernel().value.clone();
  };
  Tensor a = build(3), b = build(3), c = build(4);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  EXPECT_FALSE(std::equal(a.begin(), a.end(), c.begin()));
  const float limit = std::sqrt(6.0f / (6 + 4));
  for (float w : a) EXPECT_LE(std::fabs(w), limit);
}

TEST(Model, LeavesOutLayersTheOutputDoesNotNeed) {
  clear_session();
  auto inputs = Input({4});
  auto shared = Dense(3, "relu", "shared")(inputs);
  Dense(2, "relu", "unused")(shared);
  auto used = Dense(2, "relu", "used")(shared);
  Model model(inputs, used);
  std::vector<std::string> names;
  for (const LayerPtr& layer : model.layers()) names.push_back(layer->name());
  EXPECT_EQ(names, (std::vector<std::string>{"input_1", "shared", "used"}));
}

// A fire-module-like branch: squeeze feeds two layers whose outputs are concatenated.
std::unique_ptr<Model> branching_model() {
  clear_session();
  auto inputs = Input({1, 1, 4});
  auto squeeze = Dense(3, "tanh", "squeeze")(inputs);  // on the channel axis, as a 1x1 convolution
  auto left = Dense(2, "tanh", "left")(squeeze);
  auto right = Dense(2, "sigmoid", "right")(squeeze);
  auto merged = Flatten()(Concatenate()({left, right}));
  return std::make_unique<Model>(inputs, Dense(1, "sigmoid", "out")(merged), "model", 5);
}

TEST(Model, OrdersABranchingGraphLikeKerasAndSummarisesItsConnections) {
  std::unique_ptr<Model> model = branching_model();
  std::vector<std::string> names;
  for (const LayerPtr& layer : model->layers()) names.push_back(layer->name());
  EXPECT_EQ(names, (std::vector<std::string>{"input_1", "squeeze", "left", "right", "concatenate", "flatten", "out"}));
  const std::string expected =
      "__________________________________________________________________________________________________\n"
      "Layer (type)                    Output Shape         Param #     Connected to                     \n"
      "==================================================================================================\n"
      "input_1 (InputLayer)            (None, 1, 1, 4)      0                                            \n"
      "__________________________________________________________________________________________________\n"
      "squeeze (Dense)                 (None, 1, 1, 3)      15          input_1[0][0]                    \n"
      "__________________________________________________________________________________________________\n"
      "left (Dense)                    (None, 1, 1, 2)      8           squeeze[0][0]                    \n"
      "__________________________________________________________________________________________________\n"
      "right (Dense)                   (None, 1, 1, 2)      8           squeeze[0][0]                    \n"
      "__________________________________________________________________________________________________\n"
      "concatenate (Concatenate)       (None, 1, 1, 4)      0           left[0][0]                       \n"
      "                                                                 right[0][0]                      \n"
      "__________________________________________________________________________________________________\n"
      "flatten (Flatten)               (None, 4)            0           concatenate[0][0]                \n"
      "__________________________________________________________________________________________________\n"
      "out (Dense)                     (None, 1)            5           flatten[0][0]                    \n"
      "==================================================================================================\n"
      "Total params: 36\n"
      "Trainable params: 36\n"
      "Non-trainable params: 0\n"
      "__________________________________________________________________________________________________\n";
  EXPECT_EQ(model->summary(), expected);
}

TEST(Model, BackwardThroughABranchSumsTheGradientsOfBothReaders) {
  std::unique_ptr<Model> model = branching_model();
  // Plain SGD with lr 1: each weight moves by exactly minus its gradient.
  model->compile(SGD({.lr = 1.0f}), "binary_crossentropy");
  Tensor x = counting({5, 1, 1, 4}, 0.05f);
  Tensor y({5}, {0, 1, 1, 0, 1});
  Tensor& kernel = model->get_layer("squeeze")->parameters()[0]->value;
  std::vector<double> numeric(kernel.size());
  for (int64_t i = 0; i < kernel.size(); ++i) {
    const float saved = kernel[i], h = 1e-2f;
    kernel[i] = saved + h;
    const double up = model->test_on_batch(x, y)[0];
    kernel[i] = saved - h;
    const double down = model->test_on_batch(x, y)[0];
    kernel[i] = saved;
    numeric[i] = (up - down) / (2 * h);
  }
  Tensor before = kernel.clone();
  model->train_on_batch(x, y);
  for (int64_t i = 0; i < kernel.size(); ++i) EXPECT_NEAR(before[i] - kernel[i], numeric[i], 1e-4) << i;
}

TEST(Model, FrozenLayersKeepTheirWeights) {
  std::unique_ptr<Model> model = branching_model();
  model->get_layer("squeeze")->trainable = false;
  model->compile(SGD({.lr = 1.0f}), "binary_crossentropy");
  Tensor frozen = model->get_layer("squeeze")->parameters()[0]->value.clone();
  Tensor trained = model->get_layer("out")->parameters()[0]->value.clone();
  model->train_on_batch(counting({5, 1, 1, 4}, 0.05f), Tensor({5}, {0, 1, 1, 0, 1}));
  const Tensor& after_frozen = model->get_layer("squeeze")->parameters()[0]->value;
  const Tensor& after_trained = model->get_layer("out")->parameters()[0]->value;
  EXPECT_TRUE(std::equal(frozen.begin(), frozen.end(), after_frozen.begin()));
  EXPECT_FALSE(std::equal(trained.begin(), trained.end(), after_trained.begin()));
  EXPECT_NE(model->summary().find("Non-trainable params: 15"), std::string::npos);
}

TEST(Model, RejectsAnInputThatIsNotTheModelsInput) {
  clear_session();
  auto a = Input({4});
  auto b = Input({4});
  auto x = Dense(2)(b);
  EXPECT_THROW(Model(a, x), Error);
  EXPECT_THROW(Model(x, x), Error);
}

TEST(Model, SummaryIsKerasTable) {
  clear_session();
  auto inputs = Input({7, 11, 512});
  auto x = Flatten()(inputs);
  x = Dense(256, "relu")(x);
  x = Dropout(0.5)(x);
  Model model(inputs, Dense(1, "sigmoid")(x));
  const std::string expected =
      "_________________________________________________________________\n"
      "Layer (type)                 Output Shape              Param #   \n"
      "=================================================================\n"
      "input_1 (InputLayer)         (None, 7, 11, 512)        0         \n"
      "_________________________________________________________________\n"
      "flatten (Flatten)            (None, 39424)             0         \n"
      "_________________________________________________________________\n"
      "dense (Dense)                (None, 256)               10092800  \n"
      "_________________________________________________________________\n"
      "dropout (Dropout)            (None, 256)               0         \n"
      "_________________________________________________________________\n"
      "dense_1 (Dense)              (None, 1)                 257       \n"
      "=================================================================\n"
      "Total params: 10,093,057\n"
      "Trainable params: 10,093,057\n"
      "Non-trainable params: 0\n"
      "_________________________________________________________________\n";
  EXPECT_EQ(model.summary(), expected);
}

TEST(Sequential, HidesItsInputLayerAndPredictsLikeTheFunctionalModel) {
  clear_session();
  Sequential model;
  model.add(Input({2, 3}));
  model.add(Flatten());
  model.add(Dense(4, "tanh"));
  ASSERT_EQ(model.layers().size(), 2u);
  EXPECT_EQ(model.layers()[0]->name(), "flatten");
  EXPECT_EQ(model.output_shape(), (Shape{4}));
  Tensor y = model.predict(counting({5, 2, 3}));
  EXPECT_EQ(y.shape(), (Shape{5, 4}));
  nlohmann::json config = model.get_config();
  EXPECT_EQ(config["layers"][0]["config"]["batch_input_shape"], nlohmann::json::parse("[null, 2, 3]"));

  Sequential without_input;
  EXPECT_THROW(without_input.add(Dense(3)), Error);
}

TEST(Model, ComposesModelsFunctionally) {
  clear_session();
  auto base_in = Input({6});
  Model base(base_in, Dense(4, "relu", "base_dense")(base_in));
  auto head_in = Input({4});
  Model head(head_in, Dense(1, "sigmoid", "head_dense")(head_in));
  Model full(base.input(), head(base.output()));
  std::vector<std::string> names;
  for (const LayerPtr& layer : full.layers()) names.push_back(layer->name());
  EXPECT_EQ(names, (std::vector<std::string>{base_in.node()->layer->name(), "base_dense", "head_dense"}));
  Tensor x = counting({3, 6});
  Tensor expected = head.predict(base.predict(x));
  Tensor got = full.predict(x);
  for (int64_t i = 0; i < got.size(); ++i) EXPECT_FLOAT_EQ(got[i], expected[i]);
}

TEST(Model, ConfigRoundTripsThroughJson) {
  clear_session();
  auto inputs = Input({2, 3, 8});
  auto x = Flatten()(inputs);
  x = Dense(16, "relu")(x);
  x = Dropout(0.25)(x);
  x = Activation("tanh")(x);
  Model model(inputs, Dense(1, "sigmoid")(x), "head");
  std::unique_ptr<Model> copy = model_from_json(model.to_json());
  EXPECT_EQ(copy->name(), "head");
  EXPECT_EQ(copy->get_config(), model.get_config());

  Sequential sequential("seq");
  sequential.add(Input({5}));
  sequential.add(Dense(3, "relu"));
  std::unique_ptr<Model> sequential_copy = model_from_json(sequential.to_json());
  EXPECT_EQ(sequential_copy->class_name(), "Sequential");
  EXPECT_EQ(sequential_copy->get_config(), sequential.get_config());
}

TEST(Model, SavedModelLoadsBackWithItsWeights) {
  clear_session();
  auto inputs = Input({3, 4});
  auto x = Flatten()(inputs);
  x = Dense(8, "relu")(x);
  Model model(inputs, Dense(1, "sigmoid")(x), "model", 7);
  model.compile("adadelta", "binary_crossentropy", {"accuracy"});
  auto dir = testing::scratch_dir("model_save");
  const std::string path = (dir / "m.h5").string();
  model.save(path);

  WeightsFile file = read_weights_file(path);
  ASSERT_TRUE(file.model_config.has_value());
  ASSERT_TRUE(file.training_config.has_value());
  EXPECT_EQ(nlohmann::json::parse(*file.model_config)["class_name"], "Model");
  EXPECT_EQ(nlohmann::json::parse(*file.training_config)["optimizer_config"]["class_name"], "Adadelta");
  ASSERT_NE(file.find("dense"), nullptr);
  EXPECT_EQ(file.find("dense")->variables.at(0).name, "dense/kernel:0");

  std::unique_ptr<Model> loaded = load_model(path);
  ASSERT_TRUE(loaded->compiled());
  EXPECT_EQ(loaded->optimizer()->class_name(), "Adadelta");
  Tensor sample = counting({4, 3, 4});
  Tensor a = model.predict(sample), b = loaded->predict(sample);
  for (int64_t i = 0; i < a.size(); ++i) EXPECT_FLOAT_EQ(a[i], b[i]);
}

}  // namespace
}  // namespace bottleneck

namespace bottleneck {
namespace {

// Ctrl-C in fit (Keras' KeyboardInterrupt): the loop stops before the next update, so the
// model holds whole steps, and the next fit runs normally.
TEST(Model, AnInterruptStopsFitBetweenBatchesKeepingWholeSteps) {
  struct InterruptAfterFirstEpoch : Callback {
    void on_epoch_end(int epoch, const Logs&) override {
      if (epoch == 0) request_interrupt(SIGINT);
    }
  };
  auto make = [] {
    clear_session();
    auto inputs = Input({4});
    auto model = std::make_unique<Model>(inputs, Dense(1, "sigmoid")(Dense(3, "relu")(inputs)), "model", 5);
    model->compile(SGD({.lr = 0.1f}), "binary_crossentropy");
    return model;
  };
  const Tensor x = counting({10, 4}, 0.1f), y({10}, {0, 1, 0, 1, 1, 0, 0, 1, 1, 0});
  auto one_epoch = make();
  one_epoch->fit(x, y, {.epochs = 1, .batch_size = 4, .verbose = 0, .shuffle = false});

  auto interrupted = make();
  EXPECT_THROW(interrupted->fit(x, y,
                                {.epochs = 3, .batch_size = 4, .verbose = 0,
                                 .callbacks = {std::make_shared<InterruptAfterFirstEpoch>()}, .shuffle = false}),
               Interrupted);
  const std::vector<Tensor> expected = one_epoch->get_weights(), got = interrupted->get_weights();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(std::equal(got[i].begin(), got[i].end(), expected[i].begin())) << "weight " << i;

  History history = interrupted->fit(x, y, {.epochs = 2, .batch_size = 4, .verbose = 0});
  EXPECT_EQ(history["loss"].size(), 2u);
}

}  // namespace
}  // namespace bottleneck
