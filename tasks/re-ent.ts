// RE-Ent: the relation between two tagged entities <e1> and <e2> of a sentence.
import { relationTask } from '../src/tasks/relation-task.js';

export default relationTask({
  id: 're-ent',
  label: 'RE-Ent',
  title: 'Entity relation extraction',
  folder: 'CLU/RE_Ent',
  relations: ['change', 'compare', 'feature', 'region', 'value'],
});
