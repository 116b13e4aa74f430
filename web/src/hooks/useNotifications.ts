import { toNotification } from "../api/normalize";
import { endpoints, queryKeys } from "../api/queries";
import { useOptionalList } from "./useOptionalResource";

export const useNotifications = () => useOptionalList(queryKeys.notifications, endpoints.notifications, toNotification);
