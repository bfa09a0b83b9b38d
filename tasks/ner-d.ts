// NER-D: tag diseases, symptoms and findings in a sentence with <d>...</d>.
import { nerTask } from '../src/tasks/ner-task.js';

export default nerTask({
  id: 'ner-d',
  label: 'NER-D',
  title: 'Disease named entity recognition',
  folder: 'CLU/NER_Disease',
  kinds: ['d'],
});
