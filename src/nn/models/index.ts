// The seed notebook's networks as builders (the `zoo` namespace of the public API).
export { cifarShallowCnn, mnistCnn, mnistMlp, notebookHead, type MlpOptions } from './notebook.js';
export { resnet18Cifar } from './resnet.js';
export { xception, type ApplicationOptions } from './xception.js';
export { inceptionResnetV2 } from './inceptionResnetV2.js';
export { kerasLegacyResnet50Name, resnet50, type ResNet50Options } from './resnet50.js';
export { caffePreprocess, caffePreprocessGpu, CAFFE_BGR_MEAN, loadResnet50ImagenetBase, imagenetLabels, installResnet50Imagenet, loadResnet50Imagenet, resnet50ImagenetDir } from './resnet50_imagenet.js';
