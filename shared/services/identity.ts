/** Legacy shim: the user record of a stored item (services not yet moved to shared/features parse with the entity). */
import { userEntity } from '../store/users';

export const toUserRecord = (item: Record<string, any>) => userEntity.parse(item);
