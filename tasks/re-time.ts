// RE-Time: the temporal relation between two tagged entities <e1> and <e2> of a sentence.
import { relationTask } from '../src/tasks/relation-task.js';

export default relationTask({
  id: 're-time',
  label: 'RE-Time',
  title: 'Temporal relation extraction',
  folder: 'CLU/RE_Time',
  relations: ['on', 'before', 'after', 'start', 'finish'],
});
