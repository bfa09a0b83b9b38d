// NER-Med: tag drug names <m-key> and their doses <m-val> in a sentence.
import { nerTask } from '../src/tasks/ner-task.js';

export default nerTask({
  id: 'ner-med',
  label: 'NER-Med',
  title: 'Medication named entity recognition',
  folder: 'CLU/NER_Medication',
  kinds: ['m-key', 'm-val'],
});
